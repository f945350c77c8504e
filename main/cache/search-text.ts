/**
 * Text preparation shared by ingest (what goes into events_fts) and queries (what a person typed).
 *
 * FTS5's unicode61 tokenizer splits on anything that is not a letter, digit or (with our
 * `categories` option) a symbol such as an emoji. Scripts written without spaces (Chinese,
 * Japanese, Korean) and runs of emoji would otherwise form one long token, so "山田" would not be
 * found inside "担当者山田". We put spaces around each such character on both sides — indexing and
 * querying — which turns a CJK word into a phrase of single characters: substring search for free.
 */

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * Accent- and mark-insensitive form: decompose, drop combining marks, recompose. unicode61's own
 * remove_diacritics covers Latin letters only; Arabic harakat, for one, would split a word in two.
 */
export function foldMarks(text: string): string {
  // Most values are plain ASCII: nothing to fold, and normalize() is the costly part of ingest text.
  if (ASCII_ONLY.test(text)) return text;
  return text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .normalize('NFC');
}

const SPLIT_CHARACTERS = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{So}])/gu;

/** The text stored in the full-text index for one value. */
export function indexableText(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  if (ASCII_ONLY.test(value)) return value;
  return foldMarks(value).replace(SPLIT_CHARACTERS, ' $1 ');
}

const HAS_TOKEN = /[\p{L}\p{N}\p{Co}\p{So}]/u;

/**
 * Turns free text from a person into an FTS5 MATCH expression that can never be a syntax error:
 * every whitespace-separated term becomes a double-quoted phrase (quotes doubled inside), so
 * operators (AND, OR, NOT, NEAR), `*`, `^`, `:`, parentheses and quotes are all just text. The
 * last term matches as a prefix (as-you-type search). Terms are ANDed. Returns null when the text
 * contains nothing searchable (only spaces or punctuation) — the caller then applies no text filter.
 */
export function ftsMatchExpression(text: string, options: { prefixLastTerm?: boolean } = {}): string | null {
  const prefixLast = options.prefixLastTerm ?? true;
  const terms = text
    .split(/\s+/u)
    .map(foldMarks)
    .filter((term) => HAS_TOKEN.test(term));
  if (terms.length === 0) return null;
  return terms
    .map((term, index) => {
      // Control characters (NUL ends an FTS5 expression early) become separators inside the phrase.
      const spaced = term
        .replace(/\p{Cc}/gu, ' ')
        .replace(SPLIT_CHARACTERS, ' $1 ')
        .trim();
      const phrase = `"${spaced.replace(/"/g, '""')}"`;
      return prefixLast && index === terms.length - 1 ? `${phrase} *` : phrase;
    })
    .join(' AND ');
}
