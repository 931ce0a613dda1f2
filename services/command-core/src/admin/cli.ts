import { ConnectError } from '@connectrpc/connect';
import { MegatronAdminService } from '@megatron/contracts';
import { commandUrlPolicy, ConfigError, createLogger, createPool, loadConfig, rpcClient, withBearer } from '@megatron/runtime';
import { TokenCipher } from '../crypto/token-cipher.js';
import { TenantError } from '../tenants/errors.js';
import { TenantAdmin } from '../tenants/tenant-admin.js';
import { TenantDirectory } from '../tenants/tenant-directory.js';
import { parseCommandArgs, UsageError } from './argv.js';
import { adminCliConfigSchema, type AdminCliConfig } from './cli-config.js';
import { COMMANDS, type CliCommand } from './cli-commands.js';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
}

/** Exit codes: 0 done, 1 the operation failed, 2 the command line or configuration is wrong. */
export type ExitCode = 0 | 1 | 2;

export function helpText(): string {
  const lines = Object.values(COMMANDS).map((command) => `  megatron-admin ${command.usage}\n      ${command.summary}`);
  return `Usage:\n${lines.join('\n')}\n\nReads DATABASE_URL, TOKEN_ENCRYPTION_KEY (and _PREVIOUS), COMMAND_CORE_URL and MEGATRON_ADMIN_TOKEN. Prints JSON.\n`;
}

function findCommand(argv: string[]): { command: CliCommand; rest: string[] } {
  for (const words of [2, 1]) {
    const command = COMMANDS[argv.slice(0, words).join(' ')];
    if (command) return { command, rest: argv.slice(words) };
  }
  throw new UsageError(argv.length === 0 ? 'no command given' : `unknown command ${JSON.stringify(argv.slice(0, 2).join(' '))}`);
}

/** The megatron-admin command: talks to Postgres directly through the tenants module (and to the running command-core's admin API for jobs and dead letters). */
export async function runAdmin(argv: string[], io: CliIo): Promise<ExitCode> {
  if (argv.length === 1 && ['help', '--help', '-h'].includes(argv[0] ?? '')) {
    io.stdout(helpText());
    return 0;
  }
  let found: { command: CliCommand; rest: string[] };
  let config: AdminCliConfig;
  try {
    found = findCommand(argv);
    config = loadConfig(adminCliConfigSchema, io.env);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`megatron-admin: ${error.message}\n\n${helpText()}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr(`megatron-admin: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const logger = createLogger('megatron-admin', config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, logger, { max: 2 });
  const cipher = TokenCipher.fromConfig(config);
  try {
    const args = parseCommandArgs(found.rest, found.command.options);
    const result = await found.command.run(
      {
        pool,
        cipher,
        admin: new TenantAdmin(pool, cipher, commandUrlPolicy(config)),
        tenants: new TenantDirectory(pool, cipher),
        commandCore: () => {
          const token = config.MEGATRON_ADMIN_TOKEN;
          if (token === undefined) throw new UsageError(`MEGATRON_ADMIN_TOKEN is needed to call command-core at ${config.COMMAND_CORE_URL}`);
          return rpcClient(MegatronAdminService, config.COMMAND_CORE_URL, [withBearer(token)]);
        },
        readStdin: io.readStdin,
      },
      args,
    );
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`megatron-admin: ${error.message}\nusage: megatron-admin ${found.command.usage}\n`);
      return 2;
    }
    if (error instanceof TenantError) {
      io.stderr(`megatron-admin: ${error.message}\n`);
      return 1;
    }
    if (error instanceof ConnectError) {
      io.stderr(`megatron-admin: command-core at ${config.COMMAND_CORE_URL}: ${error.message}\n`);
      return 1;
    }
    io.stderr(`megatron-admin: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await pool.end();
  }
}
