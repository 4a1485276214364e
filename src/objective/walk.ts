/**
 * Tree walks without recursion. A 4000-character expression can be a sum of 2000 terms, a tree 2000
 * levels deep; recursive walks over it overflow the call stack (and a Web Worker's stack is smaller
 * than Node's). Every walk over jsep's tree or our Ast goes through `fold`, whose stack is an array.
 */

/**
 * Post-order fold: `children(n)` is called when n is first reached (so checks of n itself run before
 * its children are visited, in the same order a recursive walk would run them), `combine(n, results)`
 * once every child has been combined.
 */
export function fold<N, R>(
  root: N,
  children: (node: N) => readonly N[],
  combine: (node: N, results: R[]) => R,
): R {
  interface Frame {
    node: N;
    kids: readonly N[];
    results: R[];
  }
  const stack: Frame[] = [{ node: root, kids: children(root), results: [] }];
  for (;;) {
    const top = stack[stack.length - 1];
    if (top.results.length < top.kids.length) {
      const kid = top.kids[top.results.length];
      stack.push({ node: kid, kids: children(kid), results: [] });
      continue;
    }
    stack.pop();
    const r = combine(top.node, top.results);
    if (stack.length === 0) return r;
    stack[stack.length - 1].results.push(r);
  }
}
