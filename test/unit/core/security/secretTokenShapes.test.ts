import assert from 'node:assert/strict';
import { containsSecret, findSecrets, isSecretName, redactSecrets } from '../../../../src/core/security/secretDetection';
import type { SecretKind } from '../../../../src/core/security/secretPatterns';

// Token shapes the adversarial review found undetected. Every sample is made up here; none is a real credential.
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiaWF0IjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlLW1hZGUtdXAtZm9yLXRlc3Rz';

describe('secret detection of common token shapes', () => {
  const samples: Array<[SecretKind, string, string]> = [
    // [kind, text, the part that must not survive redaction]
    ['env-secret', 'DB_PASSWORD=correcthorsebattery\n', 'correcthorsebattery'],
    ['env-secret', 'export STRIPE_SECRET=whateverletters', 'whateverletters'],
    ['env-secret', "GITLAB_TOKEN='lettersonlyvalue'", 'lettersonlyvalue'],
    ['env-secret', '  - MYSQL_ROOT_PASSWORD=plainwords', 'plainwords'],
    ['url-password', 'DATABASE_URL=postgres://app:dbpassletters@db.internal:5432/app', 'dbpassletters'],
    ['url-password', 'connect to mongodb+srv://admin:s3cret-pw@cluster0.example.net/test', 's3cret-pw'],
    ['url-password', 'redis://:redispassonly@127.0.0.1:6379/0', 'redispassonly'],
    ['slack-token', 'SLACK=xoxb-1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'AbCdEfGhIjKlMnOpQrStUvWx'],
    ['slack-token', 'user token xoxp-1234567890-0987654321-abcdefabcdef', 'abcdefabcdef'],
    ['slack-token', 'xoxa-2-1234567890-abcdefghijkl', 'abcdefghijkl'],
    ['slack-token', 'socket mode xapp-1-A012BCDEF34-1234567890123-0123456789abcdef', '0123456789abcdef'],
    ['openai-key', 'OPENAI key: sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_Q-7', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z'],
    ['openai-key', 'legacy sk-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6hIj9kLm2n', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z'],
    ['google-api-key', 'maps key AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q end', 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'],
    ['stripe-key', 'stripe sk_live_51Hx0aB2cD3eF4gH5iJ6kL7mN8', '51Hx0aB2cD3eF4gH5iJ6kL7mN8'],
    ['stripe-key', 'restricted rk_live_51Hx0aB2cD3eF4gH5iJ6kL7', '51Hx0aB2cD3eF4gH5iJ6kL7'],
    ['gitlab-token', 'glpat-Ab1Cd2Ef3Gh4Ij5Kl6Mn', 'Ab1Cd2Ef3Gh4Ij5Kl6Mn'],
    ['npm-token', 'publish with npm_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2 today', 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2'],
    ['jwt', `Authorization: Bearer ${JWT}`, 'c2lnbmF0dXJlLW1hZGUtdXAtZm9yLXRlc3Rz'],
  ];

  for (const [kind, text, secret] of samples) {
    it(`finds and redacts a ${kind} in ${JSON.stringify(text.slice(0, 40))}`, () => {
      assert.ok(findSecrets(text).some((finding) => finding.kind === kind), JSON.stringify(findSecrets(text)));
      assert.equal(containsSecret(text), true);
      const redacted = redactSecrets(text);
      assert.ok(!redacted.includes(secret), redacted);
      assert.match(redacted, /\[REDACTED:/);
    });
  }

  it('keeps what a URL needs to be read: scheme, user and host stay, the password goes', () => {
    assert.equal(redactSecrets('postgres://app:dbpassletters@db/app'), 'postgres://app:[REDACTED:url-password]@db/app');
  });

  it('leaves look-alikes alone: code, references to variables, URLs without a password, CSS names', () => {
    for (const text of [
      'const token = getToken();',
      'interface Env { API_KEY: string; DB_PASSWORD: string }',
      'if (env.TOKEN === other) {}',
      'DB_PASSWORD=${DB_PASSWORD}',
      'API_TOKEN=$API_TOKEN',
      'PASSWORD=',
      'https://example.com:8443/path?q=1',
      'https://user@example.com/path',
      'see http://localhost:3000/a@b for details',
      '.sk-fading-circle .sk-circle-bounce-delay-long { }',
      'sk_test_only_is_not_live',
      'npm_config_registry=https://registry.npmjs.org/',
      'eyJhbGciOiJIUzI1NiJ9 alone is only a header',
    ]) {
      assert.equal(containsSecret(text), false, text);
    }
  });

  it('tells names that hold credentials from ordinary ones', () => {
    for (const name of ['password', 'dbPassword', 'DB_PASSWORD', 'api-key', 'apiKey', 'token', 'GITHUB_TOKEN', 'client_secret', 'passphrase']) {
      assert.equal(isSecretName(name), true, name);
    }
    for (const name of ['topic', 'maxTokens', 'file', 'language', 'keyword', 'tokenizer']) {
      assert.equal(isSecretName(name), false, name);
    }
  });
});
