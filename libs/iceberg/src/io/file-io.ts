/**
 * Minimal object storage abstraction: Iceberg files are written once and never modified, so
 * whole-object put/get is all the table layer needs.
 */
export interface FileIO {
  write(location: string, bytes: Uint8Array): Promise<void>;
  read(location: string): Promise<Uint8Array>;
  exists(location: string): Promise<boolean>;
  delete(location: string): Promise<void>;
}

/** One stored file as a listing reports it. */
export interface FileInfo {
  /** Same scheme and form as the prefix it was listed under. */
  location: string;
  size: number;
  lastModifiedMs: number;
}

/**
 * The optional capability to enumerate stored files (orphan-file removal needs it; writers do not,
 * so it is kept out of `FileIO` and its simple fakes).
 */
export interface FileLister {
  /**
   * Every file whose location starts with `prefix`, in no particular order. Pass a folder with a
   * trailing `/` so a sibling sharing the name's start (`t` and `t_old`) is not included.
   */
  list(prefix: string): AsyncIterable<FileInfo>;
}
