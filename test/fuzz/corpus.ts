/**
 * Seeds for mutation: every configuration under fixtures/ (rule fixtures, their `.fixed` outputs
 * and the examples), as raw bytes so that BOMs, UTF-16 and CRLF files stay what they are.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Dialect } from '../../src/model/header-rewrite.js';
import { FIXTURES_DIR } from '../harness/fixtures.js';

export interface Seed {
  /** Path relative to fixtures/, for reports. */
  readonly name: string;
  /** The file name the seed is linted under (it decides the nginx context guess, main configs...). */
  readonly basename: string;
  readonly bytes: Uint8Array;
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
}

function dialectOf(relPath: string): Dialect | undefined {
  // fixtures/<rule-id>/<dialect>/... and fixtures/examples/<dialect>/...
  const d = relPath.split('/')[1];
  return d === 'apache' || d === 'nginx' || d === 'iis' || d === 'haproxy' || d === 'caddy' ? d : undefined;
}

function loadCorpus(): ReadonlyMap<Dialect, readonly Seed[]> {
  const files: string[] = [];
  walk(FIXTURES_DIR, files);
  const byDialect = new Map<Dialect, Seed[]>([
    ['apache', []],
    ['nginx', []],
    ['iis', []],
    ['haproxy', []],

    ['caddy', []],
  ]);
  for (const path of files) {
    const name = relative(FIXTURES_DIR, path);
    const dialect = dialectOf(name);
    // Lua files included by nginx fixtures are not configurations.
    if (!dialect || name.endsWith('.lua')) continue;
    byDialect.get(dialect)!.push({ name, basename: basename(path), bytes: new Uint8Array(readFileSync(path)) });
  }
  return byDialect;
}

let corpus: ReadonlyMap<Dialect, readonly Seed[]> | undefined;

/** The seeds of one dialect, in a stable order (the fixed CI seed must see the same corpus). */
export function seedsFor(dialect: Dialect): readonly Seed[] {
  corpus ??= loadCorpus();
  const seeds = corpus.get(dialect)!;
  if (seeds.length === 0) throw new Error(`no ${dialect} fixtures to seed the fuzzer with`);
  return seeds;
}
