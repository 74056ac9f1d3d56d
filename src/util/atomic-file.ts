// Writes a file so readers see the old content or the new, never a torn mix, even if the
// process dies mid-write: write a temp file in the same directory, fsync, rename.
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** Copies `from` to `to` atomically (e.g. promoting a candidate model to best.onnx). */
export function copyFileAtomic(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const temp = tempPathFor(to);
  copyFileSync(from, temp);
  renameSync(temp, to);
}
