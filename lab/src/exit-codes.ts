/** Exit codes of the lab's command line and of the load runner (as app/src/exit-codes.ts names the app's). */

/** The command did what it was asked. */
export const EXIT_OK = 0;
/** Something failed while running (an engine, a process, a file), or the set-up left something missing. */
export const EXIT_FAILURE = 1;
/** A value the lab refuses (a UsageError): one line naming the variable and what is accepted. */
export const EXIT_USAGE = 2;
/** Stopped by SIGINT (Ctrl-C): 128 + 2, as a shell reports it. */
export const EXIT_INTERRUPTED = 130;
/** Stopped by SIGTERM or SIGHUP: 128 + 15. */
export const EXIT_TERMINATED = 143;
