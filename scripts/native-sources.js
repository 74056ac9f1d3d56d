#!/usr/bin/env node
// Prints the native source files of one CMakeLists.txt list (core | binding | tests),
// so binding.gyp builds exactly what cmake-js builds without a second list to maintain.
import { readFileSync } from 'node:fs';

const lists = {
  core: 'CARTRIDGE_CORE_SOURCES',
  binding: 'CARTRIDGE_BINDING_SOURCES',
  tests: 'CARTRIDGE_TEST_SOURCES',
};
const name = lists[process.argv[2]];
if (!name) {
  process.stderr.write(`usage: native-sources.js ${Object.keys(lists).join('|')}\n`);
  process.exit(2);
}
const cmake = readFileSync(new URL('../CMakeLists.txt', import.meta.url), 'utf8');
const match = cmake.match(new RegExp(`set\\(${name}\\s([^)]*)\\)`));
if (!match) {
  process.stderr.write(`CMakeLists.txt has no set(${name} ...)\n`);
  process.exit(1);
}
const files = match[1].split(/\s+/).filter((f) => f && !f.startsWith('#'));
process.stdout.write(`${files.join('\n')}\n`);
