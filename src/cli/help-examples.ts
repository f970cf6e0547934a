import type { Command } from 'commander';

/** Each command's examples, by its path below `tychoc`: a command line and what it does. */
const EXAMPLES: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  '': [
    ['tychoc compile -o out/', 'compile compose.yaml here into manifests and a kustomization'],
    ['tychoc up --wait', 'run it on the current kubectl context'],
    ['tychoc help compile', 'the options of one command'],
  ],
  compile: [
    ['tychoc compile', 'compose.yaml (+ compose.override.yaml) from here or a parent, YAML on stdout'],
    ['tychoc compile compose.yaml prod.yaml -o out/', 'two files merged, one file per object and a kustomization.yaml'],
    ['tychoc compile --format json - < compose.yaml', 'standard input in, a v1 List out'],
    ['tychoc compile -n shop | kubectl apply -f -', 'every object in namespace shop'],
  ],
  plan: [
    ['tychoc plan --topology nodes.yaml', 'lay the shards out on the nodes of a file'],
    ['tychoc plan --cluster -o json', "on the cluster's nodes as they are now"],
    ['tychoc plan --local', "on this machine's CPUs"],
  ],
  up: [
    ['tychoc up --wait', 'a new system from compose.yaml, waiting until it is ready'],
    ['tychoc up --namespace-per-system -q', 'a second copy in a namespace of its own'],
    ['tychoc up --sid 1254215d48a5', 'update that system, pruning what the files dropped'],
    ['tychoc up --dry-run server', 'let the API server check everything, change nothing'],
  ],
  apply: [
    ['tychoc compile -o out/ && tychoc apply out/', 'apply what compile wrote, as a system'],
    ['tychoc compile | tychoc apply - -n shop', 'from standard input'],
  ],
  status: [
    ['tychoc status', 'every system you can see'],
    ['tychoc status shop', 'one system, by its project name or id'],
    ['tychoc status --terse -o json', 'one line per system, as JSON'],
  ],
  down: [
    ['tychoc down 1254215d48a5', "delete a system's objects and wait until they are gone"],
    ['tychoc down shop --volumes', 'its volume claims too'],
  ],
  scale: [['tychoc scale shop web 3', 'three replicas of service web']],
  modify: [
    ['tychoc modify shop --service web --cpu 500m --memory 512Mi', "one service's requests and limits"],
    ['tychoc modify shop --label team=payments', 'a label on every workload and its pods'],
  ],
  restart: [
    ['tychoc restart shop', 'roll the pods of every service'],
    ['tychoc restart shop web', 'of one'],
  ],
  logs: [
    ['tychoc logs shop', "every pod's logs, each line prefixed by its replica"],
    ['tychoc logs shop web -f --tail 20', "follow one service's, from its last 20 lines"],
  ],
  serve: [
    ['tychoc serve --token-file tokens.yaml -n apps', 'the API on 127.0.0.1:7051'],
    ['tychoc serve --registry apps.yaml --reap-every 5m', 'with the app registry, reaping in the background'],
  ],
  apps: [
    ['tychoc apps list --registry apps.yaml', 'the apps of the default context'],
    ['tychoc apps show notebook', 'one app with every layer merged'],
  ],
  'apps list': [
    ['tychoc apps list', 'the apps of the default context of $TYCHOC_REGISTRY (or ./apps.yaml)'],
    ['tychoc apps list --app-context research -o json', "another context's, as JSON"],
  ],
  'apps show': [['tychoc apps show notebook --registry apps.yaml', 'one app with every layer merged, as JSON']],
  launch: [['tychoc launch notebook --user alice@example.org --uid 1001 --gid 100 --memory 2Gi', 'start an app for a user']],
  touch: [['tychoc touch 1254215d48a5', 'mark a system as in use now']],
  reap: [
    ['tychoc reap --max-age 8h --idle 1h --dry-run', 'what would be deleted, and why'],
    ['tychoc reap --registry apps.yaml', "by each app's maxAge and idle"],
  ],
  completion: [
    ['source <(tychoc completion bash)', 'in ~/.bashrc'],
    ['source <(tychoc completion zsh)', 'in ~/.zshrc, after compinit'],
    ['tychoc completion fish > ~/.config/fish/completions/tychoc.fish', 'for fish'],
  ],
  argocd: [['tychoc argocd generate', 'what the config-management plugin runs in the Application\'s directory']],
  'argocd generate': [['ARGOCD_APP_NAME=shop ARGOCD_APP_NAMESPACE=prod tychoc argocd generate', 'as the CMP server runs it']],
  krm: [['kustomize build --enable-alpha-plugins --enable-exec .', 'with a kustomization whose generators run tychoc krm']],
  explain: [
    ['tychoc explain --service web --kind Deployment', "every field of web's Deployment and the line that caused it"],
    ['tychoc explain compose.yaml prod.yaml', 'of every object of two files merged'],
  ],
  diff: [
    ['tychoc diff', 'what up would change on the project\'s system'],
    ['tychoc diff prod.yaml -n shop && echo unchanged', 'exit 0 when nothing would change'],
  ],
};

/** The examples of a command as `--help` ends with them. */
function examplesText(examples: readonly (readonly [string, string])[]): string {
  const width = Math.max(...examples.map(([line]) => line.length));
  return ['', 'Examples:', ...examples.map(([line, what]) => `  $ ${line.padEnd(width)}  # ${what}`)].join('\n');
}

/** Ends the help of every command of the program that has examples with them. */
export function addExamples(program: Command, path: readonly string[] = []): void {
  const examples = EXAMPLES[path.join(' ')];
  if (examples) program.addHelpText('after', examplesText(examples));
  for (const sub of program.commands) addExamples(sub, [...path, sub.name()]);
}
