/**
 * What each Lambda function's code can call in AWS, read from the code itself with the TypeScript
 * compiler, so that the grants in infra/permissions.ts can be checked against it both ways.
 *
 * From the handler, every declaration the code refers to is followed (functions, variables,
 * classes, across modules), not whole modules: a handler that imports one read from the referral
 * store does not inherit the store's writes. Along the way it records:
 * - DynamoDB commands (`new GetCommand(...)`, ...) and transaction items (`{ Put: { TableName } }`),
 *   as IAM actions; for each write, the partitions (`pk` prefixes) its key comes from (`keys.slot(...)`);
 * - queries (`KeyConditionExpression`), on the table or on the index named by `IndexName`;
 * - calls through the ports (`adapters().notifier.sendSms`): the ports' AWS adapters are not followed
 *   (every function shares them); the interface method called names the capability instead.
 *
 * Methods of an object literal typed by one of our interfaces (a human step's `open`, `decide`) are
 * followed only when code calls that method of that interface, so that opening a step does not
 * count as deciding one.
 */
import { join, relative, sep } from 'node:path';

import ts from 'typescript';

import { REPO_ROOT } from '../../local/runtime.js';
import { lambdaFunctions } from '../../shared/functions.js';
import { keys, referralTable } from '../../shared/tables.js';

export type ItemRead = 'GetItem' | 'BatchGetItem';
export type ItemWrite = 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem' | 'ConditionCheckItem';

/** What one function's code calls. */
export interface CodeCalls {
  read: ItemRead[];
  /** 'table' (the table's own key) or an index name. */
  query: string[];
  /** Each write action, with the partitions (pk prefixes, `SLOT#`; a whole pk, `TIMETABLE`) its items are in. */
  write: Partial<Record<ItemWrite, string[]>>;
  scan: boolean;
  /** `Interface.method` of each port method called, e.g. `Notifier.sendSms`. */
  ports: string[];
  /** Each write of a timeline event (`keys.event`): `PutItem if attribute_not_exists(pk) at shared/store/referrals.ts:65`. */
  eventWrites: string[];
}

const DYNAMODB_COMMANDS: Record<string, { read?: ItemRead; write?: ItemWrite; query?: true; scan?: true; transaction?: true }> = {
  GetCommand: { read: 'GetItem' },
  BatchGetCommand: { read: 'BatchGetItem' },
  QueryCommand: { query: true },
  ScanCommand: { scan: true },
  PutCommand: { write: 'PutItem' },
  UpdateCommand: { write: 'UpdateItem' },
  DeleteCommand: { write: 'DeleteItem' },
  BatchWriteCommand: { write: 'BatchWriteItem' },
  TransactWriteCommand: { transaction: true },
  TransactGetCommand: { transaction: true },
};
const TRANSACTION_ITEMS: Record<string, ItemRead | ItemWrite> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

/** The ports' folder: its adapters are where the AWS SDK is called; code elsewhere calls their interfaces. */
const PORTS_DIR = join('shared', 'ports') + sep;

/**
 * Writes whose key the analysis cannot trace to a `keys.*` call (it is data read back from the
 * table), by the function that writes them, with the partition and the reason.
 */
export const UNTRACED_WRITES: Record<string, { partitions: string[]; why: string }> = {
  removePersonalDataIfClosedBefore: {
    partitions: ['REFERRAL#'],
    why: "the retention rule deletes a referral's notes (NOTE# items in REFERRAL#<id>) by the keys getReferralWithTimeline read back",
  },
};

const PLACEHOLDER = '\u0001';

/** `SLOT#` for `keys.slot`, `TIMETABLE` for `keys.timetableClinic`; undefined for index keys (no pk). */
export function partitionOf(builder: string): string | undefined {
  const build = (keys as unknown as Record<string, (...args: unknown[]) => unknown>)[builder];
  if (!build) return undefined;
  const built = build(PLACEHOLDER, PLACEHOLDER, PLACEHOLDER);
  const pk = typeof built === 'string' ? built : (built as { pk?: string }).pk;
  if (pk === undefined) return undefined;
  return pk.includes(PLACEHOLDER) ? pk.slice(0, pk.indexOf(PLACEHOLDER)) : pk;
}

function createProgram(): ts.Program {
  const configFile = ts.findConfigFile(REPO_ROOT, ts.sys.fileExists, 'tsconfig.json')!;
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, REPO_ROOT);
  const entries = Object.values(lambdaFunctions).map((spec) => join(REPO_ROOT, spec.entry));
  return ts.createProgram(entries, parsed.options);
}

const where = (node: ts.Node) => {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${relative(REPO_ROOT, file.fileName)}:${line + 1}`;
};

const isFunctionLike = (node: ts.Node | undefined): node is ts.FunctionLikeDeclaration =>
  !!node && (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node));

/** `x as T`, `x satisfies T`, `(x)`, `x!`: x. */
const unwrap = (node: ts.Expression): ts.Expression =>
  ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node)
    ? unwrap(node.expression)
    : node;

const propertyName = (node: ts.ObjectLiteralElementLike): string | undefined =>
  node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) ? node.name.text : undefined;

export class AwsCallAnalysis {
  private readonly program = createProgram();
  private readonly checker = this.program.getTypeChecker();
  /** Function members of object literals that were deferred (typed by one of our interfaces) and never followed, by location. */
  readonly deferredEverywhere = new Map<ts.Node, boolean>();
  /** The last analysis: which declaration led to which, and where each port method was called. */
  private readonly reachedFrom = new Map<ts.Node, ts.Node | undefined>();
  private readonly portCallers = new Map<string, ts.Node | undefined>();

  /** How the last function analysed reaches a port method: the declarations from the call back to its handler. */
  explain(port: string): string[] {
    const out: string[] = [];
    for (let n = this.portCallers.get(port); n && out.length < 30; n = this.reachedFrom.get(n))
      out.push(`${where(n)} ${n.getText().slice(0, 60).replace(/\s+/g, ' ')}`);
    return out;
  }

  private inProject(node: ts.Node): boolean {
    const file = node.getSourceFile();
    return !file.isDeclarationFile && !file.fileName.includes(`${sep}node_modules${sep}`) && file.fileName.startsWith(REPO_ROOT);
  }

  private inPorts(node: ts.Node): boolean {
    return relative(REPO_ROOT, node.getSourceFile().fileName).startsWith(PORTS_DIR);
  }

  /** The declarations an identifier refers to, through imports. */
  private declarationsOf(node: ts.Node): ts.Declaration[] {
    let symbol =
      ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node
        ? this.checker.getShorthandAssignmentValueSymbol(node.parent)
        : this.checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    return symbol?.declarations ?? [];
  }

  /**
   * The methods of our interfaces an object literal's member implements (`open(referral) {…}`,
   * `decide: bookForPatient`): its contextual type's property, where that is a method or a function.
   */
  private implementedSignatures(member: ts.ObjectLiteralElementLike): ts.Declaration[] {
    const name = propertyName(member);
    const type = this.checker.getContextualType(member.parent as ts.ObjectLiteralExpression);
    if (!name || !type || ts.isSpreadAssignment(member)) return [];
    const types = type.isUnion() ? type.types : [type];
    return types
      .flatMap((t) => t.getProperty(name)?.declarations ?? [])
      .filter(
        (d) => this.inProject(d) && (ts.isMethodSignature(d) || (ts.isPropertySignature(d) && !!d.type && ts.isFunctionTypeNode(d.type))),
      );
  }

  private isSignature(node: ts.Node): boolean {
    return ts.isMethodSignature(node) || ts.isPropertySignature(node);
  }

  /** What `functionName`'s handler calls. */
  callsOf(functionName: keyof typeof lambdaFunctions): CodeCalls {
    const entry = this.program.getSourceFile(join(REPO_ROOT, lambdaFunctions[functionName].entry))!;
    this.reachedFrom.clear();
    this.portCallers.clear();
    const visited = new Set<ts.Node>();
    const triggered = new Set<ts.Node>(); // interface member signatures called
    const deferred = new Map<ts.Node, ts.Node[]>(); // signature -> function members implementing it
    const callSites = new Map<ts.Node, ts.CallExpression[]>(); // function declaration -> calls to it
    const queue: ts.Node[] = [];
    const calls = { read: new Set<ItemRead>(), query: new Set<string>(), scan: false, ports: new Set<string>() };
    const writeSites: { action: ItemWrite; site: ts.Node }[] = [];

    let scanning: ts.Node | undefined;
    const follow = (decl: ts.Node) => {
      if (visited.has(decl) || !this.inProject(decl)) return;
      if (!this.reachedFrom.has(decl)) this.reachedFrom.set(decl, scanning);
      if (this.inPorts(decl)) {
        // An adapter's interface method called: record it; the adapters themselves are not followed.
        if (ts.isMethodSignature(decl) && ts.isInterfaceDeclaration(decl.parent)) {
          const port = `${decl.parent.name.text}.${(decl.name as ts.Identifier).text}`;
          calls.ports.add(port);
          if (!this.portCallers.has(port)) this.portCallers.set(port, scanning);
        }
        return;
      }
      if (ts.isBindingElement(decl)) {
        // const { a } = b: what b is.
        let declaration: ts.Node = decl;
        while (!ts.isVariableDeclaration(declaration) && !ts.isParameter(declaration)) declaration = declaration.parent;
        return follow(declaration);
      }
      if (this.isSignature(decl)) {
        triggered.add(decl);
        for (const member of deferred.get(decl) ?? []) follow(member);
        return;
      }
      if (
        ts.isFunctionDeclaration(decl) ||
        ts.isVariableDeclaration(decl) ||
        ts.isClassDeclaration(decl) ||
        ts.isMethodDeclaration(decl) ||
        ts.isPropertyAssignment(decl) ||
        ts.isShorthandPropertyAssignment(decl) ||
        ts.isPropertyDeclaration(decl) ||
        ts.isEnumDeclaration(decl)
      ) {
        visited.add(decl);
        queue.push(decl);
      }
    };

    const scanNode = (root: ts.Node) => {
      const visit = (node: ts.Node): void => {
        if (
          ts.isImportDeclaration(node) ||
          ts.isExportDeclaration(node) ||
          ts.isInterfaceDeclaration(node) ||
          ts.isTypeAliasDeclaration(node)
        )
          return;
        // Types call nothing (a heritage clause's expression is a value, though).
        if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return;
        if (ts.isObjectLiteralExpression(node)) return visitObjectLiteral(node);
        if (ts.isNewExpression(node)) recordCommand(node);
        if (ts.isCallExpression(node)) {
          for (const decl of this.declarationsOf(node.expression)) {
            const target = ts.isVariableDeclaration(decl) ? decl.initializer : decl;
            if (target && isFunctionLike(target)) callSites.set(target, [...(callSites.get(target) ?? []), node]);
          }
        }
        if (ts.isElementAccessExpression(node)) {
          // obj[key]: any of obj's members may be meant.
          for (const property of this.checker.getTypeAtLocation(node.expression).getProperties())
            for (const decl of property.declarations ?? []) follow(decl);
        }
        if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) for (const decl of this.declarationsOf(node)) follow(decl);
        ts.forEachChild(node, visit);
      };
      const visitObjectLiteral = (literal: ts.ObjectLiteralExpression) => {
        recordLiteral(literal);
        for (const member of literal.properties) {
          const signatures = this.implementedSignatures(member);
          if (signatures.length) {
            // Followed when (if) code calls that interface method.
            if (!this.deferredEverywhere.has(member)) this.deferredEverywhere.set(member, false);
            for (const signature of signatures) {
              deferred.set(signature, [...(deferred.get(signature) ?? []), member]);
              if (triggered.has(signature)) follow(member);
            }
            if (member.name && ts.isComputedPropertyName(member.name)) visit(member.name);
            continue;
          }
          visit(member);
        }
      };
      visit(root);
    };

    const recordCommand = (node: ts.NewExpression) => {
      const name = ts.isPropertyAccessExpression(node.expression)
        ? node.expression.name.text
        : ts.isIdentifier(node.expression)
          ? node.expression.text
          : '';
      if (!name.endsWith('Command')) return;
      const fromDynamoDb = this.declarationsOf(
        ts.isPropertyAccessExpression(node.expression) ? node.expression.name : node.expression,
      ).some((d) => /@aws-sdk[\\/](lib|client)-dynamodb/.test(d.getSourceFile().fileName));
      const command = DYNAMODB_COMMANDS[name];
      if (!fromDynamoDb || !command)
        throw new Error(`${where(node)}: ${name} is not a DynamoDB command this analysis knows; AWS calls belong in shared/ports`);
      if (command.read) calls.read.add(command.read);
      if (command.scan) calls.scan = true;
      if (command.write) writeSites.push({ action: command.write, site: node.arguments?.[0] ?? node });
    };

    const recordLiteral = (literal: ts.ObjectLiteralExpression) => {
      const names = new Map(literal.properties.map((p) => [propertyName(p), p]));
      // A transaction's item: { Put: { TableName, Item, ... } }.
      for (const [name, member] of names) {
        const action = name && TRANSACTION_ITEMS[name];
        if (!action || !ts.isPropertyAssignment(member!)) continue;
        const item = unwrap(member.initializer);
        if (!ts.isObjectLiteralExpression(item) || !item.properties.some((p) => propertyName(p) === 'TableName')) continue;
        if (action === 'GetItem') calls.read.add(action);
        else writeSites.push({ action: action as ItemWrite, site: item });
      }
      // A query's input: the table's key, or an index's.
      if (names.has('KeyConditionExpression')) {
        const index = names.get('IndexName');
        if (!index) calls.query.add('table');
        else {
          const value = ts.isPropertyAssignment(index) ? index.initializer : (index as ts.ShorthandPropertyAssignment).name;
          for (const name of this.indexNamesIn(value)) calls.query.add(name);
        }
      }
    };

    for (const statement of entry.statements) scanNode(statement);
    while (queue.length) {
      const decl = queue.shift()!;
      if (this.deferredEverywhere.has(decl)) this.deferredEverywhere.set(decl, true);
      scanning = decl;
      scanNode(decl);
    }

    const write: Partial<Record<ItemWrite, Set<string>>> = {};
    const eventWrites = new Set<string>();
    for (const { action, site } of writeSites) {
      for (const partition of this.partitionsOf(site, callSites)) (write[action] ??= new Set()).add(partition);
      if (this.keyBuildersIn(site).has('event')) {
        const condition = ts.isObjectLiteralExpression(site)
          ? site.properties.find((p) => propertyName(p) === 'ConditionExpression')
          : undefined;
        const text =
          condition && ts.isPropertyAssignment(condition) ? condition.initializer.getText().replace(/^'|'$/g, '') : 'no condition';
        eventWrites.add(`${action} if ${text} at ${where(site)}`);
      }
    }
    return {
      read: [...calls.read].sort(),
      query: [...calls.query].sort(),
      write: Object.fromEntries(
        Object.entries(write)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([action, partitions]) => [action, [...partitions].sort()]),
      ),
      scan: calls.scan,
      ports: [...calls.ports].sort(),
      eventWrites: [...eventWrites].sort(),
    };
  }

  /**
   * The index a query's IndexName names: a literal's type, or a constant whose initializer names
   * exactly one of the table's indexes (`referralTable.indexes.find((i) => i.indexName === 'freeSlots')!.indexName`).
   */
  private indexNamesIn(value: ts.Expression): string[] {
    const type = this.checker.getTypeAtLocation(value);
    const literals = (type.isUnion() ? type.types : [type]).map((t) => (t.isStringLiteral() ? t.value : undefined));
    if (literals.every((l) => l !== undefined)) return literals as string[];
    const [decl] = ts.isIdentifier(value) ? this.declarationsOf(value) : [];
    const named = new Set<string>();
    const visit = (n: ts.Node) => {
      if (ts.isStringLiteral(n) && referralTable.indexes.some((i) => i.indexName === n.text)) named.add(n.text);
      ts.forEachChild(n, visit);
    };
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) visit(decl.initializer);
    if (named.size !== 1) throw new Error(`${where(value)}: IndexName must name one index (a literal, or a constant of one)`);
    return [...named];
  }

  /** `keys.<builder>` calls in a node, through local variables and same-module helpers (one level each). */
  private keyBuildersIn(node: ts.Node, depth = 2): Set<string> {
    const found = new Set<string>();
    const visit = (n: ts.Node) => {
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ts.isIdentifier(n.expression.expression)) {
        const [decl] = this.declarationsOf(n.expression.expression);
        if (decl && ts.isVariableDeclaration(decl) && decl.name.getText() === 'keys' && decl.getSourceFile().fileName.endsWith('tables.ts'))
          found.add(n.expression.name.text);
      }
      if (depth > 0 && ts.isIdentifier(n)) {
        for (const decl of this.declarationsOf(n)) {
          if (decl.getSourceFile() !== node.getSourceFile() || !this.inProject(decl)) continue;
          const body = ts.isVariableDeclaration(decl) ? decl.initializer : ts.isFunctionDeclaration(decl) ? decl.body : undefined;
          if (body && !body.getText().includes('TableName')) for (const b of this.keyBuildersIn(body, depth - 1)) found.add(b);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
    return found;
  }

  /** The partitions a write site's items are in. */
  private partitionsOf(site: ts.Node, callSites: Map<ts.Node, ts.CallExpression[]>): string[] {
    const partitions = (builders: Set<string>) => [...builders].flatMap((b) => partitionOf(b) ?? []);
    let found = partitions(this.keyBuildersIn(site));
    // A generic helper (batchPut): its items come from its callers.
    for (let fn: ts.Node | undefined = site.parent; fn && !found.length; fn = fn.parent) {
      if (isFunctionLike(fn))
        found = (callSites.get(fn) ?? []).flatMap((call) => call.arguments.flatMap((a) => partitions(this.keyBuildersIn(a))));
    }
    if (found.length) return found;
    let named: ts.Node | undefined = site.parent;
    while (named && !(ts.isFunctionDeclaration(named) && named.name)) named = named.parent;
    const untraced = named && UNTRACED_WRITES[(named as ts.FunctionDeclaration).name!.text];
    if (untraced) return untraced.partitions;
    throw new Error(`${where(site)}: cannot tell which partition this write's key is in (no keys.* call): add it to UNTRACED_WRITES`);
  }
}
