/** What `GET /items/:id` answers. */
export interface ItemResponse {
  /** The item, as the upstream answered it. */
  item: unknown;
  /**
   * Where it came from: `'upstream'`, fetched just now; `'cache'`, the last good answer, served
   * because the upstream failed or its circuit is open.
   */
  source: 'upstream' | 'cache';
}
