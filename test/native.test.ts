import test from 'ava';
import { buildInfo } from '../src/native/index.js';

test('the addon reports how it was built', (t) => {
  const info = buildInfo();
  t.regex(info.version, /^\d+\.\d+\.\d+$/);
  t.true(info.cxxStandard >= 2020);
  t.is(info.napiVersion, 8);
  t.is(typeof info.sanitized, 'boolean');
});
