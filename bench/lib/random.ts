import { seededRandom } from '../../test/helpers/seededRandom';

export { seededRandom };
/** Item `Math.floor(random * length)` of a non-empty list. */
export function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}
