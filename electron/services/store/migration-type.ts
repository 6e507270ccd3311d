/** One numbered schema step. Applied in one transaction that also sets `user_version`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
