// docker/Dockerfile.dockerignore read the way BuildKit applies it, for the offline checks of the build context
// and for the content tag of the images (service-images.mjs hashes exactly what the build can see).
import { readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { workspaceRoot } from './image-contents.mjs';

export const ignorePatterns = readFileSync(join(workspaceRoot, 'docker/Dockerfile.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

/** Same rule as BuildKit: a path is excluded when the last matching pattern is not a negation. */
export function ignoredByDockerignore(path) {
  let ignored = false;
  for (const pattern of ignorePatterns) {
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    if (matchesGlob(path, glob) || path.split('/').some((_, index, parts) => matchesGlob(parts.slice(0, index + 1).join('/'), glob))) ignored = !negated;
  }
  return ignored;
}
