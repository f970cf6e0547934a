import { describe, expect, it } from 'vitest';
import { stableMessage } from '../../bench/coverage/convert.js';

// Kompose names keys in Go map order, which changes from run to run; the coverage document must not.
describe('stableMessage', () => {
  it('sorts a list of quoted names', () => {
    expect(stableMessage("validating -: additional properties 'web', 'db' not allowed")).toBe("validating -: additional properties 'db', 'web' not allowed");
    expect(stableMessage("additional properties 'db', 'web' not allowed")).toBe(stableMessage("additional properties 'web', 'db' not allowed"));
  });

  it('leaves out which of several image-less services Kompose names', () => {
    const a = stableMessage('Unable to load files: service "mariadb" has neither an image nor a build context specified');
    expect(a).toBe(stableMessage('Unable to load files: service "etherpad" has neither an image nor a build context specified'));
    expect(a).toBe('Unable to load files: a service has neither an image nor a build context specified');
  });

  it('keeps other messages as they are', () => {
    expect(stableMessage("no port specified: <empty> 'x'")).toBe("no port specified: <empty> 'x'");
  });
});
