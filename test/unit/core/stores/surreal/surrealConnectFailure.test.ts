import assert from 'node:assert/strict';
import { classifySurrealConnectFailure } from '../../../../../src/core/stores/surreal/surrealConnectFailure';
import { SurrealAuthError, SurrealNamespaceError, SurrealUnreachableError } from '../../../../../src/core/stores/surreal/surrealErrors';

/** Stand-ins for the SDK's error classes: the classifier goes by class name, as the SDK may be another module instance. */
class AuthenticationError extends Error {}
class UnexpectedConnectionError extends Error {}
class MissingNamespaceDatabaseError extends Error {}
class HttpConnectionError extends Error {}
const serverError = (kind: string, message: string): Error => Object.assign(new Error(message), { kind });

describe('classifySurrealConnectFailure', () => {
  const url = 'wss://db.example:8000';

  it('names a refused access token on the upgrade (HTTP 401) as SurrealAuthError', () => {
    const error = classifySurrealConnectFailure(url, new UnexpectedConnectionError('Unexpected server response: 401'));
    assert.ok(error instanceof SurrealAuthError);
    assert.equal(error.code, 'E_SURREAL_AUTH');
    assert.match(error.message, /refused the access token/);
  });

  it('names refused credentials as SurrealAuthError, pointing at the settings', () => {
    for (const failure of [
      serverError('NotAllowed', 'There was a problem with authentication'),
      new AuthenticationError('expired'),
      new Error('No record was found for the credentials'),
    ]) {
      const error = classifySurrealConnectFailure(url, failure);
      assert.ok(error instanceof SurrealAuthError, String(failure));
      assert.match(error.message, /claudeCache\.surreal\.username/);
    }
  });

  it('names a missing or rejected namespace or database as SurrealNamespaceError', () => {
    for (const failure of [
      new MissingNamespaceDatabaseError('Missing namespace'),
      serverError('NotFound', "The namespace 'team' does not exist"),
      new Error("The database 'cache' does not exist"),
    ]) {
      const error = classifySurrealConnectFailure(url, failure);
      assert.ok(error instanceof SurrealNamespaceError, String(failure));
      assert.equal(error.code, 'E_SURREAL_NAMESPACE');
    }
  });

  it('names a server nobody answers for as SurrealUnreachableError, with the cause', () => {
    const refused = classifySurrealConnectFailure(url, new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:8000') }));
    assert.ok(refused instanceof SurrealUnreachableError);
    assert.match(refused.message, /wss:\/\/db\.example:8000 is unreachable: fetch failed \(connect ECONNREFUSED/);
    assert.ok(classifySurrealConnectFailure(url, new UnexpectedConnectionError('An unexpected connection error occurred')) instanceof SurrealUnreachableError);
    assert.ok(classifySurrealConnectFailure(url, new HttpConnectionError('bad gateway')) instanceof SurrealUnreachableError);
    assert.ok(classifySurrealConnectFailure(url, new Error('unable to verify the first certificate')) instanceof SurrealUnreachableError);
  });

  it('leaves anything else to the caller', () => {
    assert.equal(classifySurrealConnectFailure(url, new Error('something else entirely')), undefined);
    assert.equal(classifySurrealConnectFailure(url, 'a string'), undefined);
  });
});
