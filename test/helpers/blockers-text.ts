/** Every string under a `text` key (the shared textOf skips section blocks' text objects). */
export function allText(body: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else walk(x);
      }
  };
  walk(body);
  return out.join('\n');
}
