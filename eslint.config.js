// ESLint: correctness rules (typescript-eslint, type-aware where cheap) and the layer rules.
// Formatting is Prettier's job (npm run lint runs both), so no stylistic rule is enabled here.
//
// Layers, lowest first (docs/architecture.md): main/core < capabilities (main/auth, main/cache, …)
// < main/app (the composition root) < shells (main/electron, main/host, main/cli). The renderer
// sees only preload/contract.ts. The layer rules are `no-restricted-imports` regexes over the
// import string (every import in this tree is relative and one folder deep per layer), checked by
// tests/unit/lint/layer-rules.test.ts so they cannot silently stop matching.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const CAPABILITIES = ['auth', 'cache', 'data', 'demo', 'export', 'logging', 'policy', 'records', 'review', 'sandbox', 'settings', 'sync', 'updates', 'zoho'];
const SHELLS = ['cli', 'host', 'electron'];

/** A relative import reaching `main/<folder>` from anywhere inside main/ (or from outside via ../main/). */
const mainFolder = (folders) => `^(\\.{1,2}/)+(main/)?(${folders.join('|')})(/|$)`;

const ELECTRON_ONLY_IN_SHELL = {
  regex: '^electron(/|$)',
  message: 'Only main/electron/ (and the preload script) may import electron; take a port instead.',
};
const NO_NODE_PREFIXED = { regex: '^node:', message: 'The renderer runs in a browser: no Node built-ins.' };
const NO_NODE_BARE = builtinModules.filter((name) => !name.startsWith('_')).map((name) => ({ name, message: 'The renderer runs in a browser: no Node built-ins.' }));
const RENDERER_NO_MAIN = {
  regex: '^(\\.{1,2}/)+main(/|$)',
  message: 'The renderer may not import main/ code; talk to it through preload/contract.',
};
const RENDERER_ONLY_CONTRACT = {
  regex: '^(\\.{1,2}/)+preload/(?!(contract|labels)(\\.js|\\.ts)?$)',
  message: 'From preload/ the renderer may import only preload/contract (types and schemas) and preload/labels (plain-language labels).',
};
// The renderer's entry stands in for the preload when served by the loopback host: it alone may load the browser bridge.
const RENDERER_ENTRY_ONLY_CONTRACT_OR_BRIDGE = {
  regex: '^(\\.{1,2}/)+preload/(?!(contract|labels|browser-bridge)(\\.js|\\.ts)?$)',
  message: 'From preload/ the renderer entry may import only preload/contract, preload/labels and preload/browser-bridge.',
};
const PRELOAD_NO_MAIN = { regex: '^(\\.{1,2}/)+main(/|$)', message: 'preload/ may not import main/ code.' };
const LOWER_NO_ROOT_OR_SHELL = {
  regex: mainFolder(['app', ...SHELLS]),
  message: 'A lower layer may not import the composition root (main/app) or a shell (main/cli, main/host, main/electron).',
};
const ROOT_NO_SHELL = {
  regex: mainFolder(SHELLS),
  message: 'The composition root (main/app) may not import a shell; shells import it.',
};
const CORE_NO_CAPABILITY = {
  regex: mainFolder(CAPABILITIES),
  message: 'main/core is the lowest layer: it may not import a capability folder.',
};

/**
 * `no-restricted-imports` does not look at `import('…')`; lazy loading (CLI commands, workers) uses it,
 * so this rule applies the same { paths, patterns } options to dynamic imports with a literal source.
 */
const dynamicImportsRule = {
  meta: { type: 'problem', schema: [{ type: 'object' }], messages: { restricted: "'{{source}}' import is restricted from being used. {{message}}" } },
  create(context) {
    const { paths = [], patterns = [] } = context.options[0] ?? {};
    const regexes = patterns.map((pattern) => ({ regex: new RegExp(pattern.regex, 'u'), message: pattern.message }));
    return {
      ImportExpression(node) {
        const { source } = node;
        let text;
        if (source.type === 'Literal' && typeof source.value === 'string') text = source.value;
        else if (source.type === 'TemplateLiteral' && source.expressions.length === 0) text = source.quasis[0]?.value.cooked;
        if (text === undefined || text === null) return;
        const hit = paths.find((path) => path.name === text) ?? regexes.find((pattern) => pattern.regex.test(text));
        if (hit !== undefined) context.report({ node, messageId: 'restricted', data: { source: text, message: hit.message } });
      },
    };
  },
};
const layersPlugin = { rules: { 'dynamic-imports': dynamicImportsRule } };

/** One config object per folder, each with its COMPLETE restriction list (a later object replaces a rule's options, it does not merge them). */
const restrict = (name, files, patterns, paths = [], ignores = []) => ({
  name: `layers/${name}`,
  files,
  ignores,
  rules: {
    'no-restricted-imports': ['error', { paths, patterns }],
    'layers/dynamic-imports': ['error', { paths, patterns }],
  },
});

const layerRules = [
  // Everything not covered below (shells, tests, bench, scripts): electron stays in main/electron.
  restrict('everywhere', ['**/*.{ts,tsx,js,mjs}'], [ELECTRON_ONLY_IN_SHELL]),
  restrict('renderer', ['renderer/**'], [ELECTRON_ONLY_IN_SHELL, NO_NODE_PREFIXED, RENDERER_NO_MAIN, RENDERER_ONLY_CONTRACT], NO_NODE_BARE, ['renderer/main.tsx']),
  restrict('renderer-entry', ['renderer/main.tsx'], [ELECTRON_ONLY_IN_SHELL, NO_NODE_PREFIXED, RENDERER_NO_MAIN, RENDERER_ENTRY_ONLY_CONTRACT_OR_BRIDGE], NO_NODE_BARE),
  restrict('preload', ['preload/**'], [ELECTRON_ONLY_IN_SHELL, PRELOAD_NO_MAIN], [], ['preload/index.ts']),
  // The preload script is Electron's own bridge: it is the one file outside main/electron that needs electron.
  restrict('preload-script', ['preload/index.ts'], [PRELOAD_NO_MAIN]),
  restrict(
    'capabilities',
    CAPABILITIES.map((folder) => `main/${folder}/**`),
    [ELECTRON_ONLY_IN_SHELL, LOWER_NO_ROOT_OR_SHELL],
  ),
  restrict('core', ['main/core/**'], [ELECTRON_ONLY_IN_SHELL, LOWER_NO_ROOT_OR_SHELL, CORE_NO_CAPABILITY]),
  restrict('app', ['main/app/**'], [ELECTRON_ONLY_IN_SHELL, ROOT_NO_SHELL]),
  restrict('cli-host', ['main/cli/**', 'main/host/**'], [ELECTRON_ONLY_IN_SHELL]),
  { name: 'layers/electron-shell', files: ['main/electron/**'], rules: { 'no-restricted-imports': 'off', 'layers/dynamic-imports': 'off' } },
  // Tests of the Electron shell may name its types; they never load electron itself.
  {
    name: 'layers/tests',
    files: ['tests/**'],
    rules: {
      'no-restricted-imports': 'off',
      'layers/dynamic-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ ...ELECTRON_ONLY_IN_SHELL, allowTypeImports: true }] }],
    },
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'tests/artifacts/**', 'test-results/**', 'playwright-report/**', 'assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { layers: layersPlugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // `let x; const f = () => x?.y; x = …` (a value a closure needs before it exists) is fine.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Rejecting/throwing a caught `unknown` as-is keeps the original error; only literals are flagged.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Async implementations of awaitable ports (stores, the data worker) need no await inside.
      '@typescript-eslint/require-await': 'off',
      // Control characters in regexes are deliberate here (stripping them from Zoho text, PDF text, logs).
      'no-control-regex': 'off',
      // Ports are declared with method syntax but implemented as closures and handed around as values; the rule cannot tell.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Node's recursive mkdir never returns for a path under /proc or through a dangling symlink (100% CPU,
    // deaf to Ctrl-C): the app's code makes folders with main/core/make-directory.ts, which always ends.
    files: ['main/**/*.ts', 'preload/**/*.ts'],
    ignores: ['main/core/make-directory.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['CallExpression[callee.name=/^mkdir(Sync)?$/]', 'CallExpression[callee.property.name=/^mkdir(Sync)?$/]'].map((call) => ({
          selector: `${call} Property[key.name='recursive']`,
          message: 'Recursive mkdir can spin forever (/proc, dangling symlinks): use makeDirectory / makeDirectorySync from main/core/make-directory.ts.',
        })),
      ],
    },
  },
  {
    // The classic hook rules only: the plugin's other recommended rules serve the React Compiler, which this app does not use.
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // Tests read raw JSON (Zoho pages, packets) and hand methods to expect(): `any` and unbound methods are their normal diet.
    // They also await stores through their awaitable interfaces while holding the synchronous implementation.
    files: ['tests/**'],
    rules: {
      '@typescript-eslint/await-thenable': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  { files: ['**/*.{js,mjs,cjs}'], ...tseslint.configs.disableTypeChecked },
  ...layerRules,
);
