/** Fire-and-forget tasks kept visible, so flush() and close() can wait for them; a task's failure is its own. */
export class BackgroundTasks {
  private readonly running = new Set<Promise<unknown>>();

  track(task: Promise<unknown>): void {
    const guarded = task.catch(() => undefined);
    this.running.add(guarded);
    void guarded.finally(() => this.running.delete(guarded));
  }

  /** Resolves once every task tracked so far has finished. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
