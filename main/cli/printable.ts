/**
 * A line of output with no control or bidirectional-override characters: a packet's names and texts
 * are the author's (or a forger's) words, and must not move the cursor or fake a "Result:" line.
 */
export function printable(line: string): string {
  return line.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
