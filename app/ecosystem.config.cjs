/**
 * PM2 ecosystem file (CommonJS, because the app itself is ESM).
 *
 *   npx pm2-runtime start app/ecosystem.config.cjs   # containers: PM2 in the foreground
 *   npx pm2 start app/ecosystem.config.cjs           # hosts: PM2's daemon under PM2_HOME
 *
 * Paths come from __dirname, so it works from any working directory. The same
 * environment variables as the app configure it; PM2 passes them through.
 */
const os = require('node:os');
const path = require('node:path');

/** The app's own bound for WORKERS (src/config/config.ts). */
const MAX_WORKERS = 256;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10000;

/** Same contract as the app: one line naming the variable, exit code 2. */
function fail(name, value, accepted) {
  process.stderr.write(`Invalid environment variable ${name}=${JSON.stringify(value)}: expected ${accepted}\n`);
  process.exit(2);
}

function readInteger(name, min, max, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) fail(name, raw, `an integer from ${min} to ${max}`);
  return value;
}

function readSwitch(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') fail(name, raw, 'one of true, false');
  return raw === 'true';
}

// PM2's own `instances: 0` / 'max' counts every CPU of the host and ignores a
// container's CPU limit; availableParallelism() honours the CPU affinity mask.
const instances = readInteger('WORKERS', 1, MAX_WORKERS, Math.min(os.availableParallelism(), MAX_WORKERS));
const shutdownTimeoutMs = readInteger('SHUTDOWN_TIMEOUT_MS', 1, 3600000, DEFAULT_SHUTDOWN_TIMEOUT_MS);
const watch = readSwitch('PM2_WATCH', false);

module.exports = {
  apps: [
    {
      name: 'cluster_app',
      script: path.join(__dirname, 'dist', 'server.js'),
      cwd: __dirname,
      exec_mode: 'cluster',
      instances,
      // The app sends process.send('ready') once it listens; PM2 waits for it.
      wait_ready: true,
      listen_timeout: 15000,
      // PM2 sends SIGINT, waits kill_timeout, then SIGKILL: leave the app's own
      // graceful stop (SHUTDOWN_TIMEOUT_MS) room to finish first. PM2's daemon is
      // the node:cluster round-robin primary: it accepts every connection and
      // queues it for the instances, and closes that queue when its last instance
      // leaves. So a stopping instance keeps taking connections until the daemon's
      // queue is empty (read from /proc, see src/http/waiting-connections.ts), all
      // within SHUTDOWN_TIMEOUT_MS; `pm2 reload` (wait_ready) starts the new
      // instance and waits for its ready message before stopping the old one.
      kill_signal: 'SIGINT',
      kill_timeout: shutdownTimeoutMs + 3000,
      // A crash loop backs off from 100 ms (PM2 doubles it up to 15 s).
      exp_backoff_restart_delay: 100,
      // Exit code 2 is a configuration error: restarting cannot fix it.
      stop_exit_codes: [2],
      watch: watch ? [path.join(__dirname, 'dist')] : false,
      ignore_watch: ['node_modules'],
      env_production: {
        NODE_ENV: 'production',
      },
    },
  ],

  deploy: {
    production: {
      user: process.env.DEPLOY_USER,
      host: process.env.DEPLOY_HOST,
      ref: process.env.DEPLOY_REF || 'origin/main',
      repo: process.env.DEPLOY_REPO,
      path: process.env.DEPLOY_PATH,
      'pre-deploy-local': '',
      'post-deploy': 'npm ci && npm run build -w app && npx pm2 reload app/ecosystem.config.cjs --env production',
      'pre-setup': '',
    },
  },
};
