export interface Migration {
  version: number;
  name: string;
  /** SQL run inside one transaction. Forward only: never edit a migration that has shipped. */
  up: string;
}
