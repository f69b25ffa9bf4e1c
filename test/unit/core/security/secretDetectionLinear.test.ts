import assert from 'node:assert/strict';
import { containsSecret, findSecrets, redactSecrets, valueContainsSecret } from '../../../../src/core/security/secretDetection';

// Every answer (and every prompt and snapshot) is scanned for secrets before it may reach a shared tier, so the
// scan must be linear in the text. The limits below are mocha timeouts, generous for linear code (tens of
// milliseconds here) and far beyond reach of the old pattern, which took 18 s for 256 KB of `password=`.

const FIVE_MIB = 5 * 1024 * 1024;

describe('secret detection on multi-MiB text', () => {
  it('scans 5 MiB of labels with no value in linear time, and flags the run', function () {
    this.timeout(5_000);
    const text = 'password='.repeat(Math.floor(FIVE_MIB / 9));
    // One unbroken run after a label is longer than any bare value held to the digit rule: it counts whole.
    assert.equal(findSecrets(text).length, 1);
  });

  it('scans 5 MiB of short labelled runs in linear time', function () {
    this.timeout(10_000);
    // Labels packed into runs just under the bare-value bound, each ending at a parenthesis: all must fail.
    const run = `${'pwd='.repeat(15)}x(`;
    const text = `${run} `.repeat(Math.floor(FIVE_MIB / (run.length + 1)));
    assert.equal(containsSecret(text), false);
  });

  it('scans 5 MiB of other near-misses in linear time', function () {
    this.timeout(10_000);
    const cases = [
      `-----BEGIN ${'A '.repeat(FIVE_MIB / 2)}`,
      `password="${'a'.repeat(FIVE_MIB)}`,
      `aws_secret_access_key${' '.repeat(FIVE_MIB)}`,
      `ghp_${'a'.repeat(FIVE_MIB)}`,
      'x'.repeat(FIVE_MIB),
    ];
    for (const text of cases) findSecrets(text);
  });

  // One adversarial input per vendor pattern: runs of near-misses that give a backtracking pattern a quadratic
  // amount of work (every prefix restarting a scan of the rest), each at 1-5 MiB.
  const nearMisses: Array<[string, string]> = [
    ['gitlab-token', 'glpat-short '.repeat(FIVE_MIB / 12)],
    ['npm-token', `npm_${'a'.repeat(35)}-`.repeat(FIVE_MIB / 41)],
    ['slack-token', 'xoxb-short '.repeat(FIVE_MIB / 11)],
    ['openai-key', `sk-proj-${'a'.repeat(18)} sk-${'b'.repeat(30)} `.repeat(FIVE_MIB / 62)],
    ['google-api-key', `AIza${'a'.repeat(36)}-`.repeat(FIVE_MIB / 41)],
    ['stripe-key', 'sk_live_short '.repeat(FIVE_MIB / 14)],
    ['jwt run', `eyJ${'-eyJ'.repeat(FIVE_MIB / 4)}`],
    ['jwt parts', `eyJ${'a'.repeat(9)}.`.repeat(FIVE_MIB / 13)],
    ['url userinfo', `x://${'user:'.repeat(FIVE_MIB / 5)}`],
    ['url schemes', 'a://b:c/'.repeat(FIVE_MIB / 8)],
    ['env names', 'DB_PASSWORD'.repeat(FIVE_MIB / 11)],
    ['env quotes', `TOKEN="${'x'.repeat(FIVE_MIB)}`],
    ['env values', 'SECRET=$X '.repeat(FIVE_MIB / 10)],
  ];
  for (const [name, text] of nearMisses) {
    it(`scans ${(text.length / 1024 / 1024).toFixed(1)} MiB of ${name} near-misses in linear time`, function () {
      this.timeout(5_000);
      findSecrets(text);
      containsSecret(text);
    });
  }

  it('scans 5 MiB of matches packed together in linear time, and finds each', function () {
    this.timeout(10_000);
    const one = 'DB_PASSWORD=hunter postgres://u:pw@h glpat-abcdefghijklmnopqrstu ';
    const text = one.repeat(Math.floor(FIVE_MIB / one.length));
    assert.equal(findSecrets(text).length, 3 * Math.floor(FIVE_MIB / one.length));
  });

  it('keeps the rules for short bare values: a digit, and a delimiter after it', () => {
    assert.equal(containsSecret('password=hunter22\n'), true);
    assert.equal(containsSecret('DB_PASSWORD=s3cret;'), true);
    assert.equal(containsSecret('password = getPassword()'), false);
    assert.equal(containsSecret('apiKey: string;'), false);
    assert.equal(containsSecret('secret === x'), false);
    assert.equal(containsSecret('password=withoutdigits '), false);
  });

  it('counts a long bare labelled value whatever it holds, and redacts all of it', () => {
    const token = 'Q'.repeat(90);
    assert.equal(containsSecret(`auth_token=${token}`), true);
    assert.equal(redactSecrets(`auth_token=${token} end`), 'auth_token=[REDACTED:password] end');
  });

  it('looks into a value with a very long array without overflowing the call stack', () => {
    const parts = new Array<unknown>(300_000).fill(1);
    assert.equal(valueContainsSecret({ parts }, 1_000_000), false);
    // Past the node budget the answer is yes, the safe side.
    assert.equal(valueContainsSecret({ parts }), true);
    parts[299_999] = 'password="hunter2"';
    assert.equal(valueContainsSecret({ parts }, 1_000_000), true);
  });
});
