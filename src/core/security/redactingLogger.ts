import type { Logger } from '../logger';
import { redactSecrets } from './secretDetection';

/**
 * A Logger that redacts likely secrets (and the given known ones, such as the API key) from every line before
 * it reaches `inner`. Children redact too.
 */
export function redactingLogger(inner: Logger, knownSecrets: () => readonly string[] = () => []): Logger {
  const clean = (message: string): string => {
    let text = message;
    for (const secret of knownSecrets()) {
      // Short strings would blank out ordinary words; real keys and passwords are long.
      if (secret.length >= 8) text = text.split(secret).join('[REDACTED]');
    }
    return redactSecrets(text);
  };
  return {
    trace: (message) => inner.trace(clean(message)),
    debug: (message) => inner.debug(clean(message)),
    info: (message) => inner.info(clean(message)),
    warn: (message) => inner.warn(clean(message)),
    error: (message) => inner.error(clean(message)),
    child: (component) => redactingLogger(inner.child(component), knownSecrets),
  };
}
