import type { z } from 'zod';

/**
 * Input a screen (or a script) sent that the contract refuses, said in words a reviewer reads: which
 * field and what is wrong ("Working hours: the start hour must be a whole number from 0 to 23"),
 * never a channel name or zod's own phrasing. Schemas that know their field's name say it in their
 * own messages (whole sentences, starting with a capital); every other issue is worded here from
 * its path and its kind ("Note text must not be empty").
 */

/** Field names that read better than their camelCase made into words. */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  offHours: 'Working hours',
  massChange: 'Mass changes',
  apiByPerson: 'API by a person',
  ownerChange: 'Owner changes',
  sensitiveFields: 'Sensitive fields',
  startHour: 'start hour',
  endHour: 'end hour',
  workDays: 'working days',
  timeZone: 'time zone',
  recordId: 'record id',
  eventId: 'event id',
  exportId: 'export',
  fileToken: 'chosen file',
  clientId: 'client id',
  clientSecret: 'client secret',
  dataCentre: 'data centre',
  rules: 'conditions',
  text: 'note text',
};

/** "sensitiveFields" → "sensitive fields"; known names from FIELD_WORDS. */
function fieldWords(segment: PropertyKey): string {
  if (typeof segment === 'number') return `item ${segment + 1}`;
  const name = String(segment);
  return (
    FIELD_WORDS[name] ??
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/_/g, ' ')
      .toLowerCase()
  );
}

/** Where an issue is, as words: "Working hours, start hour"; "The request" when it is about the whole input. */
export function placeWords(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'The request';
  const words = path.map(fieldWords).join(', ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function listWords(values: readonly unknown[]): string {
  const shown = values.map((value) => (typeof value === 'string' ? `“${value}”` : String(value)));
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'yes or no (true/false)',
  array: 'a list',
  object: 'a set of fields',
  bigint: 'a whole number',
  date: 'a date',
};

/**
 * What is wrong, as a phrase after the field's name ("must not be empty"). A zod error map: passed to
 * safeParse, it words the issues a schema left to zod's defaults; a schema's own message wins.
 */
export const plainIssueWords: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is missing';
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string') return minimum <= 1 ? 'must not be empty' : `must be at least ${minimum} characters long`;
      if (issue.origin === 'array' || issue.origin === 'set') return minimum <= 1 ? 'must name at least one' : `must name at least ${minimum}`;
      return issue.inclusive === false ? `must be more than ${minimum}` : `must be at least ${minimum}`;
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${maximum.toLocaleString('en-US')} characters long`;
      if (issue.origin === 'array' || issue.origin === 'set') return `can name at most ${maximum.toLocaleString('en-US')}`;
      return issue.inclusive === false ? `must be less than ${maximum.toLocaleString('en-US')}` : `must be at most ${maximum.toLocaleString('en-US')}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${listWords(issue.values)}` : `must be one of ${listWords(issue.values)}`;
    case 'invalid_format':
      if (issue.format === 'uuid' || issue.format === 'guid') return 'is not a known identifier';
      if (issue.format === 'url') return 'must be a web address';
      if (issue.format === 'email') return 'must be an email address';
      return 'is not in the expected form';
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `has ${issue.keys.length === 1 ? 'a field' : 'fields'} it does not know: ${listWords(issue.keys)}`;
    case 'invalid_union':
      return 'is not one of the accepted forms';
    case 'invalid_key':
    case 'invalid_element':
      return 'holds a value that is not accepted';
    case 'custom':
      return 'is not valid';
    default:
      return undefined;
  }
};

/** How the phrases of plainIssueWords begin: they follow the field's name ("Note text must not be empty"). */
const PHRASE_START = /^(must|is|has|can|holds) /;

/**
 * One sentence per issue: a schema's own sentence as it is; a schema's own short instruction after
 * the place ("Note text: write a note"); a phrase of plainIssueWords after the place.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const sentences = issues.map((issue) => {
    if (/^[A-Z“"]/.test(issue.message)) return issue.message;
    return PHRASE_START.test(issue.message) ? `${placeWords(issue.path)} ${issue.message}` : `${placeWords(issue.path)}: ${issue.message}`;
  });
  return `${[...new Set(sentences)].join('. ')}.`;
}
