/** Fresh identifiers (event ids): random UUIDs in Lambda, a counter in tests. */
export interface IdSource {
  /** A new identifier, unique within the deployment. */
  newId(): string;
}
