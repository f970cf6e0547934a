import { describe, expect, it, vi } from 'vitest';
import type { SourcePos } from '../../src/diagnostics.js';
import { interpolate, InterpolationError, type Lookup } from '../../src/frontend/interpolate.js';

// The variables of compose-go's template_test.go (`defaults`) and
// dotenv/godotenv_var_expansion_test.go (`envMap`); everything else is unset.
const env: Record<string, string> = {
  FOO: 'first',
  BAR: '',
  JSON: '{"json":2}',
  EMPTY_VAR: '',
  TEST_VAR: 'Test Value',
};
const lookup: Lookup = (name) => (name in env ? { value: env[name]! } : undefined);

function errorOf(text: string, look: Lookup = lookup): InterpolationError {
  try {
    interpolate(text, look);
  } catch (e) {
    if (e instanceof InterpolationError) return e;
    throw e;
  }
  throw new Error(`no error for ${text}`);
}

describe('interpolate: values (compose-go template_test.go)', () => {
  it.each([
    ['$${foo}', '${foo}'], // TestEscaped
    ['foo', 'foo'], // TestSubstituteNoMatch
    ['a $ string', 'a $ string'], // TestUnescaped
    ['^REGEX$', '^REGEX$'],
    ['$}', '$}'],
    ['$', '$'],
    ['$FOO-bar', 'first-bar'], // TestNonBraced
    ['This ${missing} var', 'This  var'], // TestNoValueNoDefault
    ['This ${BAR} var', 'This  var'],
    ['This $FOO var', 'This first var'], // TestValueNoDefault
    ['This ${FOO} var', 'This first var'],
    ['ok ${missing:-def}', 'ok def'], // TestNoValueWithDefault
    ['ok ${missing-def}', 'ok def'],
    ['${A:+${A},}B', 'B'], // TestLazyDefaultDoesNotWarn
    ['${A:-${B}}', ''], // TestLazyDefaultWarnsWhenUsed
    ['ok ${BAR:-def}', 'ok def'], // TestEmptyValueWithSoftDefault
    ['ok ${FOO:-def}', 'ok first'], // TestValueWithSoftDefault
    ['ok ${BAR-def}', 'ok '], // TestEmptyValueWithHardDefault
    ['ok ${UNSET_VAR:+presence_value}', 'ok '], // TestPresentValueWithUnset
    ['ok ${UNSET_VAR+presence_value}', 'ok '], // TestPresentValueWithUnset2
    ['ok ${FOO:+presence_value}', 'ok presence_value'], // TestPresentValueWithNonEmpty
    ['ok ${FOO+presence_value}', 'ok presence_value'], // TestPresentValueAndNonEmptyWithNonEmpty
    ['ok ${BAR+presence_value}', 'ok presence_value'], // TestPresentValueWithSet
    ['ok ${BAR:+presence_value}', 'ok '], // TestPresentValueAndNotEmptyWithSet
    ['ok ${BAR:-/non:-alphanumeric}', 'ok /non:-alphanumeric'], // TestNonAlphanumericDefault
    // TestInterpolationExternalInterference
    ['-ok ${BAR:-defaultValue}', '-ok defaultValue'],
    ['+ok ${UNSET:-${BAR-defaultValue}}', '+ok '],
    ['-ok ${FOO:-defaultValue}', '-ok first'],
    [':-ok ${UNSET-defaultValue}', ':-ok defaultValue'],
    [':-ok ${BAR-defaultValue}', ':-ok '],
    [':?ok ${BAR-defaultValue}', ':?ok '],
    [':?ok ${BAR:-defaultValue}', ':?ok defaultValue'],
    [':+ok ${BAR:-defaultValue}', ':+ok defaultValue'],
    ['+ok ${BAR-defaultValue}', '+ok '],
    ['?ok ${BAR:-defaultValue}', '?ok defaultValue'],
    // TestDefaultsWithNestedExpansion
    ['ok ${UNSET_VAR-$FOO}', 'ok first'],
    ['ok ${UNSET_VAR-${FOO}}', 'ok first'],
    ['ok ${UNSET_VAR-${FOO} ${FOO}}', 'ok first first'],
    ['ok ${BAR:-$FOO}', 'ok first'],
    ['ok ${BAR:-${FOO}}', 'ok first'],
    ['ok ${BAR:-${FOO} ${FOO}}', 'ok first first'],
    ['ok ${BAR+$FOO}', 'ok first'],
    ['ok ${BAR+$FOO ${FOO:+second}}', 'ok first second'],
    // TestDefaultsForMandatoryVariables
    ['ok ${FOO:?err}', 'ok first'],
    ['ok ${FOO?err}', 'ok first'],
    ['ok ${BAR?err}', 'ok '],
    ['ok ${SUBDOMAIN:-redis}.${FOO:?}', 'ok redis.first'], // TestSubstituteWithReplacementFunc
    // TestPrecedence: the first operator after the name wins
    ['${UNSET_VAR-myerror?msg}', 'myerror?msg'],
    ['${FOO?bar-baz}', 'first'],
    ['${BAR:-default_value_for_empty_var}', 'default_value_for_empty_var'],
    ['${UNSET_VAR-default_value_for_unset_var}', 'default_value_for_unset_var'],
    // TestNoValueWithCurlyBracesDefault / TestValueWithCurlyBracesDefault
    ['ok ${missing:-{"json":1}}', 'ok {"json":1}'],
    ['ok ${missing-{"json":1}}', 'ok {"json":1}'],
    ['ok ${JSON:-{"json":1}}', 'ok {"json":2}'],
    ['ok ${JSON-{"json":1}}', 'ok {"json":2}'],
  ])('%j -> %j', (text, expected) => {
    expect(interpolate(text, lookup).value).toBe(expected);
  });
});

describe('interpolate: values (godotenv_var_expansion_test.go)', () => {
  it.each([
    ['RESULT=${UNSET_VAR:-Default Value}', 'RESULT=Default Value'],
    ['RESULT=${EMPTY_VAR:-Default Value}', 'RESULT=Default Value'],
    ['RESULT=${TEST_VAR:-Default Value}', 'RESULT=Test Value'],
    ['RESULT=${UNSET_VAR-Default Value}', 'RESULT=Default Value'],
    ['RESULT=${EMPTY_VAR-Default Value}', 'RESULT='],
    ['RESULT=${TEST_VAR-Default Value}', 'RESULT=Test Value'],
    ['RESULT=${TEST_VAR:?Default Value}', 'RESULT=Test Value'],
    ['RESULT=${EMPTY_VAR?Test error}', 'RESULT='],
    ['RESULT=${TEST_VAR?Default Value}', 'RESULT=Test Value'],
  ])('%j -> %j', (text, expected) => {
    expect(interpolate(text, lookup).value).toBe(expected);
  });
});

describe('interpolate: values (compose spec and compose-go pattern edges)', () => {
  it.each([
    ['${VARIABLE:-${FOO}}', 'first'], // spec nesting examples
    ['${VARIABLE:-${FOO:-default}}', 'first'],
    ['${VARIABLE:-${UNSET:-default}}', 'default'],
    ['$$VAR_NOT_INTERPOLATED_BY_COMPOSE', '$VAR_NOT_INTERPOLATED_BY_COMPOSE'],
    ['$$$FOO', '$first'],
    ['$$$$', '$$'],
    ['$FOO$FOO', 'firstfirst'],
    ['${FOO}${FOO}', 'firstfirst'],
    ['$FOO_BAR', ''], // the name runs on through `_`
    ['$FOO.bar', 'first.bar'], // `.` ends an unbraced name
    ['$1 $- $( $%', '$1 $- $( $%'], // not a name: kept literally
    ['price: 5$', 'price: 5$'],
    ['$_', ''],
    ['$foo', ''], // names are case-sensitive
    ['${FOO}}', 'first}'],
    ['${UNSET:-}', ''],
    ['${UNSET-}', ''],
    ['${UNSET:-a}b}', 'ab}'],
    ['${UNSET:-$$}', '$'],
    ['${UNSET:-$${FOO}}', '${FOO}'],
    ['${UNSET:-a b:c}', 'a b:c'],
    ['${UNSET:-{x}', '{x'], // unbalanced: compose-go closes at the last `}` on the line
    ['${UNSET:-{}}', '{}'],
    ['${UNSET:-{}}x}', '{}}x'], // compose-go skips the character after each `{` when counting
    ['${FOO:-${}}', 'first'], // an operand that is not needed is not evaluated
    ['${FOO?${NOPE:?boom}}', 'first'],
    ['${UNSET:-x}\n${FOO:-y}', 'x\nfirst'],
    ['multi\nline $FOO', 'multi\nline first'],
    ['é$FOO€', 'éfirst€'],
  ])('%j -> %j', (text, expected) => {
    expect(interpolate(text, lookup).value).toBe(expected);
  });
});

describe('interpolate: syntax errors', () => {
  it.each([
    ['${', 0], // TestInvalid
    ['${}', 0],
    ['${ }', 0],
    ['${ foo}', 0],
    ['${foo }', 0],
    ['${foo!}', 0],
    ['${VAR', 0],
    ['${VAR:x}', 0],
    ['${VAR:}', 0],
    ['${VAR:-x', 0],
    ['${VAR:-{x', 0],
    ['${a.b}', 0], // `.` and `-` are not part of interpolation names
    ['${1}', 0],
    ['${VAR/foo/bar}', 0], // spec: shell pattern substitution is not supported
    ['${VAR:-a\nb}', 0], // an expression must close on its own line
    ['ok $$ ${', 6],
    ['x ${UNSET:-${}}', 11], // errors inside a taken operand point at the inner `$`
    ['$FOO ${UNSET:-a ${NOPE-${ b}}}', 23],
  ])('%j fails at offset %i', (text, offset) => {
    const err = errorOf(text);
    expect(err.kind).toBe('syntax');
    expect(err.offset).toBe(offset);
    expect(err.message).toBe(
      `invalid interpolation format for ${JSON.stringify(text)}. You may need to escape any $ with another $`,
    );
  });

  it('is an Error named InterpolationError', () => {
    const err = errorOf('${');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('InterpolationError');
  });
});

describe('interpolate: required variables', () => {
  it.each([
    // TestMandatoryVariableErrors
    ['not ok ${UNSET_VAR:?Mandatory Variable Unset}', 'required variable UNSET_VAR is missing a value: Mandatory Variable Unset', 7],
    ['not ok ${BAR:?Mandatory Variable Empty}', 'required variable BAR is missing a value: Mandatory Variable Empty', 7],
    ['not ok ${UNSET_VAR:?}', 'required variable UNSET_VAR is missing a value', 7],
    ['not ok ${UNSET_VAR?Mandatory Variable Unset}', 'required variable UNSET_VAR is missing a value: Mandatory Variable Unset', 7],
    ['not ok ${UNSET_VAR?}', 'required variable UNSET_VAR is missing a value', 7],
    // TestMandatoryVariableErrorsWithNestedExpansion
    ['not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}', 'required variable UNSET_VAR is missing a value: Mandatory Variable first', 7],
    ['not ok ${UNSET_VAR?Mandatory Variable ${FOO}}', 'required variable UNSET_VAR is missing a value: Mandatory Variable first', 7],
    // TestPrecedence
    ['${UNSET_VAR?bar-baz}', 'required variable UNSET_VAR is missing a value: bar-baz', 0],
    // godotenv_var_expansion_test.go
    ['RESULT=${UNSET_VAR:?Test error}', 'required variable UNSET_VAR is missing a value: Test error', 7],
    ['RESULT=${EMPTY_VAR:?Test error}', 'required variable EMPTY_VAR is missing a value: Test error', 7],
    ['RESULT=${UNSET_VAR?Test error}', 'required variable UNSET_VAR is missing a value: Test error', 7],
    // spec example `${VARIABLE?$FOO}`, and a required check inside a taken default
    ['${VARIABLE?$FOO}', 'required variable VARIABLE is missing a value: first', 0],
    ['a ${UNSET:-${NEEDED:?set it}}', 'required variable NEEDED is missing a value: set it', 11],
    ['${A:?x:-y}', 'required variable A is missing a value: x:-y', 0],
  ])('%j', (text, message, offset) => {
    const err = errorOf(text);
    expect(err.kind).toBe('required');
    expect(err.message).toBe(message);
    expect(err.offset).toBe(offset);
  });
});

describe('interpolate: laziness and origins', () => {
  const at = (line: number): SourcePos => ({ file: '.env', line, col: 1 });
  const defs: Record<string, { value: string; pos?: SourcePos }> = {
    A: { value: 'a', pos: at(1) },
    B: { value: 'b', pos: at(2) },
    E: { value: '', pos: at(3) },
    NOPOS: { value: 'n' },
    A2: { value: 'a2', pos: at(1) }, // same position as A: reported once
  };
  const positioned: Lookup = (name) => defs[name];

  it('does not look up variables in an operand it does not need (TestLazyRequiredMessageDoesNotWarn)', () => {
    const spy = vi.fn(positioned);
    expect(interpolate('${A?${B}}', spy).value).toBe('a');
    expect(spy.mock.calls).toEqual([['A']]);
  });

  it.each([
    ['plain', [], 'plain'],
    ['$A-${B}-$A', [1, 2], 'a-b-a'],
    ['${B}${A}', [2, 1], 'ba'],
    ['${A:-${B}}', [1], 'a'],
    ['${UNSET:-${B}}', [2], 'b'],
    ['${E:-$B}', [3, 2], 'b'], // an empty definition still decided the outcome
    ['${A:+$B}', [1, 2], 'b'],
    ['$UNSET $NOPOS', [], ' n'],
    ['$A $A2', [1], 'a a2'],
    ['$$A', [], '$A'],
  ] as const)('%j uses lines %j', (text, lines, value) => {
    const result = interpolate(text, positioned);
    expect(result.origins).toEqual(lines.map(at));
    expect(result.value).toBe(value);
  });
});
