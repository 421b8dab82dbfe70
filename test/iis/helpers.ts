/** In-memory IIS projects for the IIS tests: build models, simulate cookies, lint and fix. */
import { RULES } from '../../rules/index.js';
import { createCatalog } from '../../src/cookies/catalog.js';
import { DEFAULT_NGINX_VERSION, type BuiltModel } from '../../src/dialects/dialect.js';
import { iisDialect } from '../../src/dialects/iis/index.js';
import { lintModel, type LintMessage, type LintSettings } from '../../src/engine/lint.js';
import type { BackendKind } from '../../src/model/backends.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { simulate } from '../../src/model/simulate.js';
import { createSourceFile, applyEdits, type TextEdit, type ConfigIO, withOverrides } from '../../src/source.js';

export const OPTIONS = { nginxVersion: DEFAULT_NGINX_VERSION };

/** A file system in memory: path → text (UTF-8) or bytes. */
import { memoryIO } from '../harness/memory-io.js';

export { memoryIO };

export function build(text: string, path = '/site/web.config'): HeaderRewriteModel {
  return iisDialect.buildModel(path, memoryIO({ [path]: text }), OPTIONS);
}

/** Final Set-Cookie values of one response through the endpoint `label` (default: the first). */
export function run(model: HeaderRewriteModel, values: readonly string[], options: { endpoint?: string; backend?: BackendKind } = {}): string[] {
  const endpoint = options.endpoint === undefined ? model.endpoints[0]! : model.endpoints.find((e) => e.label === options.endpoint)!;
  if (!endpoint) throw new Error(`no endpoint ${options.endpoint}`);
  const result = simulate('iis', endpoint.pipeline, { backend: options.backend ?? 'http', status: 200 }, values);
  return result.lines.map((l) => l.value);
}

/** One cookie through the first endpoint. */
export function one(model: HeaderRewriteModel, value: string, endpoint?: string): string {
  return run(model, [value], endpoint === undefined ? {} : { endpoint })[0]!;
}

/** A minimal web.config around outbound rules (and optional preconditions). */
export function webConfig(outbound: string, extra = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <system.webServer>
    <rewrite>
      <outboundRules>
${outbound}
      </outboundRules>
    </rewrite>
  </system.webServer>${extra}
</configuration>
`;
}

export const IIS_RULES = RULES;

export function settings(wantFixes = true): LintSettings {
  return { rules: IIS_RULES, catalog: createCatalog(), options: OPTIONS, wantFixes };
}

/** Builds the model of `root` and lints it. */
export function lint(root: string, io: ConfigIO, wantFixes = true): LintMessage[] {
  return lintBuilt(iisDialect.build(root, io, OPTIONS), io, wantFixes);
}

function lintBuilt(built: BuiltModel, io: ConfigIO, wantFixes: boolean): LintMessage[] {
  return lintModel(built, iisDialect, io, settings(wantFixes));
}

export function lintText(text: string, path = '/site/web.config', wantFixes = true): { messages: LintMessage[]; model: HeaderRewriteModel; io: ConfigIO } {
  const io = memoryIO({ [path]: text });
  const built = iisDialect.build(path, io, OPTIONS);
  return { messages: lintBuilt(built, io, wantFixes), model: built.model, io };
}

/** Applies edits to a file of the model and rebuilds the model over the edited text. */
export function rebuild(model: HeaderRewriteModel, io: ConfigIO, edits: readonly TextEdit[]): { model: HeaderRewriteModel; io: ConfigIO; text: string } {
  const file = model.files.get(edits[0]!.file)!;
  const text = applyEdits(file.text, edits);
  const edited = withOverrides(io, new Map([[file.path, createSourceFile(file.path, text, file.encoding, file.bom)]]));
  return { model: iisDialect.buildModel(model.root, edited, OPTIONS), io: edited, text };
}

/** The text a span covers. */
export function spanText(model: HeaderRewriteModel, span: { file: string; start: number; end: number }): string {
  return model.files.get(span.file)!.text.slice(span.start, span.end);
}
