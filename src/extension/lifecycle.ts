import type * as vscode from 'vscode';

/**
 * Owns disposables and releases them together, newest first. Subclasses `_register` what they create so
 * nothing they open outlives them.
 */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  protected _register<T extends vscode.Disposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.owned.push(value);
    return value;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const value of this.owned.splice(0).reverse()) {
      try {
        value.dispose();
      } catch {
        // One faulty disposable must not keep the others alive.
      }
    }
  }
}

/** A disposable from a plain function (an unsubscribe, a timer clear). */
export function toDisposable(dispose: () => void): vscode.Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}
