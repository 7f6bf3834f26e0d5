/**
 * The problems of a request, as many as an answer lists, and a count of the
 * others. A request can hold far more problems than anyone reads (a body of a
 * thousand empty orders has thousands), and each listed one costs memory and
 * bytes of the answer: readers keep the first MAX_LISTED_PROBLEMS and only
 * count the rest, and the answer (worker/issueOrders.ts) lists at most that
 * many, within its size bound, with the count of those it leaves out.
 */

/** Problems listed in one answer, at most. */
export const MAX_LISTED_PROBLEMS = 100;

/**
 * Bytes of the list of problems in an answer (its `errors`, as JSON), at
 * most. The answer's other members take a few hundred bytes, and its `detail`
 * at most 6,000 (1,000 UTF-16 units, each at most 6 bytes as JSON: see
 * worker/replies.ts): with this, a problem document stays under 64 KiB.
 */
const MAX_LISTED_BYTES = 56 * 1024;

export class ProblemList<Problem> {
  readonly listed: Problem[] = [];
  /** Problems found but not kept. */
  notListed = 0;

  /** Room for another problem: when false, count it with skip() rather than building it. */
  get room(): boolean {
    return this.listed.length < MAX_LISTED_PROBLEMS;
  }

  get size(): number {
    return this.listed.length + this.notListed;
  }

  add(problem: Problem): void {
    if (this.room) this.listed.push(problem);
    else this.notListed += 1;
  }

  /** A problem found and not built: counted only. */
  skip(count = 1): void {
    this.notListed += count;
  }

  /** `first`, then each list's problems, then `others`': at most MAX_LISTED_PROBLEMS listed, all counted. */
  static join<Problem>(first: readonly Problem[], ...lists: readonly ProblemList<Problem>[]): ProblemList<Problem> {
    const joined = new ProblemList<Problem>();
    for (const problem of first) joined.add(problem);
    for (const list of lists) {
      for (const problem of list.listed) joined.add(problem);
      joined.skip(list.notListed);
    }
    return joined;
  }
}

/**
 * The problems an answer lists: the first ones, at most MAX_LISTED_PROBLEMS
 * and MAX_LISTED_BYTES of them as JSON (the first always: every problem is
 * small, its values and names cut to 100 characters), and how many are left
 * out, `notListed` (found but not kept by the reader) included.
 */
export function listProblems<Problem>(
  problems: readonly Problem[],
  notListed = 0,
): { listed: Problem[]; notListed: number } {
  const listed: Problem[] = [];
  let bytes = 2; // []
  for (const problem of problems) {
    if (listed.length === MAX_LISTED_PROBLEMS) break;
    bytes += Buffer.byteLength(JSON.stringify(problem)) + 1; // and a comma
    if (bytes > MAX_LISTED_BYTES && listed.length > 0) break;
    listed.push(problem);
  }
  return { listed, notListed: notListed + problems.length - listed.length };
}
