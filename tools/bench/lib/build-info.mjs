// Which code a bench run measured: the commit, uncommitted changes under apps/ and libs/, and projects
// whose dist is older than their sources (a forgotten rebuild measures the previous code).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest modification time (ms) of the files below `dir` (specs aside: they are not built), or 0 when it does not exist. */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** apps/* and libs/* whose src/ changed after their dist/ was last written. */
export function staleBuilds(root) {
  const stale = [];
  for (const group of ['apps', 'libs']) {
    for (const project of readdirSync(join(root, group))) {
      const dist = join(root, group, project, 'dist');
      if (!existsSync(dist)) continue;
      if (newestMtime(join(root, group, project, 'src')) > newestMtime(dist)) stale.push(`${group}/${project}`);
    }
  }
  return stale;
}

export function gitState(root) {
  const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  try {
    const changed = git('status', '--porcelain', '--', 'apps', 'libs').split('\n').filter(Boolean);
    return { commit: git('rev-parse', '--short', 'HEAD'), uncommittedInAppsAndLibs: changed.length };
  } catch {
    return { commit: 'unknown', uncommittedInAppsAndLibs: undefined };
  }
}
