// A well-formedness check for the job summary's HTML: every element closed, in order,
// and no empty table cell (core.summary writes `<td>` with no end tag for one).

const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'wbr']);

/** What is wrong with `html`, one line each; empty when it is well formed. */
export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, rawName, selfClosing] = m;
    const name = rawName!.toLowerCase();
    if (VOID.has(name) || selfClosing) continue;
    if (!closing) {
      open.push(name);
      continue;
    }
    const top = open.pop();
    if (top !== name) {
      problems.push(`</${name}> at ${m.index} closes <${top ?? 'nothing'}>`);
      if (top) open.push(top);
    }
  }
  if (open.length) problems.push(`never closed: ${open.map((t) => `<${t}>`).join(' ')}`);
  for (const m of html.matchAll(/<(td|th)>\s*<\/\1>/g)) problems.push(`empty cell at ${m.index}`);
  return problems;
}
