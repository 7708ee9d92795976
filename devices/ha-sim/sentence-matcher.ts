/** Matches Assist template sentences: `[optional]`, `(a|b)` alternatives and `{slot}` wildcards. */
export interface SentenceMatch {
  slots: Record<string, string>;
}

/** Assist compares sentences without case or punctuation. */
export function normalizeSentence(text: string): string {
  return text
    .toLowerCase()
    .replace(/[.,!?¿¡;:]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

function escapeRegex(char: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(char) ? `\\${char}` : char;
}

export function compileSentence(template: string): { regex: RegExp; slotNames: string[] } {
  const slotNames: string[] = [];
  let pattern = "";
  const source = normalizeSentence(template);
  for (let i = 0; i < source.length; i++) {
    const char = source.charAt(i);
    if (char === "[" || char === "(") pattern += "(?:";
    else if (char === "]") pattern += ")?";
    else if (char === ")") pattern += ")";
    else if (char === "|") pattern += "|";
    else if (char === " ") pattern += "\\s*";
    else if (char === "{") {
      const end = source.indexOf("}", i);
      const name = source.slice(i + 1, end === -1 ? source.length : end);
      slotNames.push(name);
      pattern += `(?<s${slotNames.length - 1}>.+?)`;
      i = end === -1 ? source.length : end;
    } else pattern += escapeRegex(char);
  }
  return { regex: new RegExp(`^\\s*${pattern}\\s*$`), slotNames };
}

export function matchSentence(template: string, text: string): SentenceMatch | null {
  const { regex, slotNames } = compileSentence(template);
  const match = regex.exec(normalizeSentence(text));
  if (!match) return null;
  const slots: Record<string, string> = {};
  slotNames.forEach((name, index) => {
    const value = match.groups?.[`s${index}`];
    if (value !== undefined) slots[name] = value.trim();
  });
  return { slots };
}
