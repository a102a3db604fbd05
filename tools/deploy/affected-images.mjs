#!/usr/bin/env node
// Prints the GitHub Actions matrix of images to build: the deployable apps Nx marks affected
// (`nx show projects --affected`, base/head from NX_BASE/NX_HEAD), each with its build args.
//   node tools/deploy/affected-images.mjs   →   {"include":[{"app":"orders","port":3003}]}
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { appPorts, workspaceRoot } from './image-contents.mjs';

const affected = JSON.parse(
  execFileSync(join(workspaceRoot, 'node_modules', '.bin', 'nx'), ['show', 'projects', '--affected', '--type', 'app', '--json'], { cwd: workspaceRoot, encoding: 'utf8' }),
);
const include = affected
  .map((project) => project.replace(/^@plinth\//, ''))
  .filter((app) => app in appPorts)
  .map((app) => ({ app, port: appPorts[app] }));
process.stdout.write(`${JSON.stringify({ include })}\n`);
