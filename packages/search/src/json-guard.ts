// A cheap look at a JSON text before JSON.parse: how deeply arrays and objects nest. JSON.parse recurses, and a
// body of a million '[' is a few megabytes that cost far more to parse than to refuse. Strings are skipped with
// their escapes, so brackets inside them do not count.

/** True when `text` nests arrays/objects deeper than `maxDepth` (malformed JSON is left to JSON.parse). */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* \ */) i++;
      else if (code === 0x22 /* " */) inString = false;
      continue;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) depth--;
  }
  return false;
}
