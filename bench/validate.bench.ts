// `npm run bench validate`: cold wall time of `weir spec validate` (a fresh Node process each time,
// the built CLI in dist/) on one example spec, on the examples folder and on 200 generated specs of
// 50 tasks each, side by side with bare `node -e 0` in the same run. Every command runs RUNS times,
// interleaved so that machine noise hits all of them alike; the median is reported.
// Goals (issue 2): one spec within 2x bare Node start-up; 200 specs in under 1 s.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const SPECS = 200
const TASKS = 50
const root = resolve(import.meta.dirname, '..')
const cli = join(root, 'bin/weir.js')
if (!existsSync(join(root, 'dist/cli/main.js'))) {
  console.error('dist/ is missing: run `npm run build` first.')
  process.exit(2)
}

/** A project folder with one handler module and SPECS specs of TASKS tasks (chains, fan-ins, params, schedules). */
function generateProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-validate-'))
  writeFileSync(join(dir, 'package.json'), '{ "name": "bench", "type": "module" }\n')
  mkdirSync(join(dir, 'handlers'))
  mkdirSync(join(dir, 'pipelines'))
  const exports = Array.from({ length: TASKS }, (_, i) => `export async function step${i}(inputs: Record<string, unknown>) { return inputs }`)
  writeFileSync(join(dir, 'handlers/steps.ts'), exports.join('\n') + '\n')
  for (let s = 0; s < SPECS; s++) {
    let text = `apiVersion: weir/v1\nkind: Pipeline\nname: generated_${s}\ndescription: Generated for the validate benchmark.\n`
    text += `params:\n  threshold: { type: number, default: 0.5, minimum: 0 }\n  region: { type: string, enum: [eu, us], default: eu }\n`
    text += `types:\n  Summary:\n    type: object\n    properties: { total: { type: number }, count: { type: integer } }\n    required: [total, count]\n`
    text += `defaults:\n  retries: { max: 2, delay: 5s }\n  timeout: 10m\ntasks:\n`
    for (let t = 0; t < TASKS; t++) {
      text += `  task_${t}:\n    handler: ../handlers/steps.ts#step${t}\n`
      if (t > 0) {
        text += `    inputs:\n      previous: \${{ tasks.task_${t - 1}.output }}\n      threshold: \${{ params.threshold }}\n`
        if (t > 2) text += `      label: "region \${{ params.region }} run \${{ run.id }}"\n`
      }
      if (t % 10 === 9) text += `    needs: [task_${t - 5}, task_${t - 9}]\n`
      if (t % 7 === 0) text += `    output: { $ref: "#/types/Summary" }\n    values: { row_count: { type: integer } }\n`
      if (t % 13 === 0) text += `    retries: 3\n    timeout: 90s\n`
    }
    if (s % 4 === 0) text += `schedule:\n  cron: "0 ${s % 24} * * *"\n  timezone: Europe/Berlin\n`
    writeFileSync(join(dir, `pipelines/generated_${s}.yaml`), text)
  }
  return dir
}

function timeRun(args: string[]): number {
  const start = performance.now()
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  const ms = performance.now() - start
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`)
  return ms
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const project = generateProject()
try {
  const cases: { name: string; args: string[] }[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'validate 1 spec (pipelines/daily_sales.yaml)', args: [cli, 'spec', 'validate', 'pipelines/daily_sales.yaml'] },
    { name: 'validate the examples (pipelines/)', args: [cli, 'spec', 'validate', 'pipelines/'] },
    { name: `validate ${SPECS} specs x ${TASKS} tasks`, args: [cli, 'spec', 'validate', join(project, 'pipelines')] },
  ]
  const samples = cases.map(() => [] as number[])
  for (const c of cases) timeRun(c.args) // warm the file system cache
  for (let run = 0; run < RUNS; run++) cases.forEach((c, i) => samples[i]!.push(timeRun(c.args)))
  const bare = median(samples[0]!)
  console.log(`median of ${RUNS} cold runs each (Node ${process.version}):`)
  cases.forEach((c, i) => {
    const m = median(samples[i]!)
    console.log(`  ${c.name.padEnd(48)} ${m.toFixed(0).padStart(5)} ms  ${i === 0 ? '' : `${(m / bare).toFixed(2)}x node`}`)
  })
  const one = median(samples[1]!)
  const many = median(samples[3]!)
  console.log(`goal: 1 spec <= 2x node: ${one <= 2 * bare ? 'met' : 'MISSED'} (${(one / bare).toFixed(2)}x); ${SPECS} specs < 1000 ms: ${many < 1000 ? 'met' : 'MISSED'} (${many.toFixed(0)} ms)`)
} finally {
  rmSync(project, { recursive: true, force: true })
}
