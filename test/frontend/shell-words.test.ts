import { describe, expect, it } from 'vitest';
import { splitShellWords } from '../../src/frontend/shell-words.js';

/**
 * compose turns a string `command:` / `entrypoint:` into words with go-shellwords; the cases
 * marked "go-shellwords" are its own test table (shellwords_test.go, TestSimple), whose results
 * agree with POSIX shell quoting.
 */
describe('splitShellWords: words and quoting', () => {
  it.each([
    ['', []], // go-shellwords
    ['""', ['']], // go-shellwords
    ["''", ['']], // go-shellwords
    ['var --bar=baz', ['var', '--bar=baz']], // go-shellwords
    ['var --bar="baz"', ['var', '--bar=baz']], // go-shellwords
    ['var "--bar=baz"', ['var', '--bar=baz']], // go-shellwords
    [`var "--bar='baz'"`, ['var', "--bar='baz'"]], // go-shellwords
    ['var "--bar=\\"baz\'"', ['var', '--bar="baz\'']], // go-shellwords
    ["var --bar='\\'", ['var', '--bar=\\']], // go-shellwords: no escapes inside single quotes
    ['var "--bar baz"', ['var', '--bar baz']], // go-shellwords
    ['var --"bar baz"', ['var', '--bar baz']], // go-shellwords
    ['var  --"bar baz"', ['var', '--bar baz']], // go-shellwords
    ['a "b"', ['a', 'b']], // go-shellwords
    ['a " b "', ['a', ' b ']], // go-shellwords
    ['a "   "', ['a', '   ']], // go-shellwords
    ["a 'b'", ['a', 'b']], // go-shellwords
    ["a ' b '", ['a', ' b ']], // go-shellwords
    ["a '   '", ['a', '   ']], // go-shellwords
    ['foo bar\\  ', ['foo', 'bar ']], // go-shellwords
    [`foo "" bar ''`, ['foo', '', 'bar', '']], // go-shellwords
    ['foo \\\\', ['foo', '\\']], // go-shellwords
    ['foo \\& bar', ['foo', '&', 'bar']], // go-shellwords
    // Commands as compose files write them.
    ['echo hello', ['echo', 'hello']],
    ['  echo   hello  ', ['echo', 'hello']],
    ['echo\thello\nworld', ['echo', 'hello', 'world']],
    ['sh -c "echo $HOME"', ['sh', '-c', 'echo $HOME']], // no expansion
    [`sh -c 'echo "$A"'`, ['sh', '-c', 'echo "$A"']],
    [`bash -c "echo 'it''s'"`, ['bash', '-c', "echo 'it''s'"]],
    ['"a b"c', ['a bc']], // quoted and bare parts join into one word
    ["'a'\"b\"c", ['abc']],
    ['a\\ b', ['a b']],
    ['a\\"b', ['a"b']],
    ['x="1 2"', ['x=1 2']],
    ['--opt="a b" --flag', ['--opt=a b', '--flag']],
    ['python -m http.server 8000', ['python', '-m', 'http.server', '8000']],
    ['npm run start -- --port=3000', ['npm', 'run', 'start', '--', '--port=3000']],
    ['a#b', ['a#b']],
    ['a # b', ['a', '#', 'b']], // no comments
    ['echo $(date)', ['echo', '$(date)']], // no command substitution
  ])('%j → %j', (command, words) => {
    expect(splitShellWords(command)).toEqual(words);
  });
});

describe('splitShellWords: backslashes inside double quotes (POSIX)', () => {
  it.each([
    ['"a\\"b"', 'a"b'],
    ['"a\\\\b"', 'a\\b'],
    ['"a\\$b"', 'a$b'],
    ['"a\\`b"', 'a`b'],
    // Before any other character the backslash stays, as in sh.
    ['"a\\b"', 'a\\b'],
    ['"printf \'Hello\\tworld\\n\'"', "printf 'Hello\\tworld\\n'"],
  ])('%j → %j', (command, word) => {
    expect(splitShellWords(command)).toEqual([word]);
  });

  it('keeps a backslash inside single quotes', () => {
    expect(splitShellWords("'a\\b'")).toEqual(['a\\b']);
    expect(splitShellWords("'a\\'")).toEqual(['a\\']);
  });
});

describe('splitShellWords: malformed commands', () => {
  it.each([
    ['foo \''], // go-shellwords TestError
    ['foo "'], // go-shellwords TestError
    ['echo "unterminated'],
    ["echo 'x"],
    ['"a\\"'],
    ['echo \\'], // a dangling escape, rejected by go-shellwords as well
    ['\\'],
  ])('%j is undefined', (command) => {
    expect(splitShellWords(command)).toBeUndefined();
  });

  it('an escaped backslash at the end is fine', () => {
    expect(splitShellWords('echo \\\\')).toEqual(['echo', '\\']);
  });
});
