/** weir ui's page: a hash router over the three pages (pipelines, runs, one run) and the start form. */
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { PipelinesPage } from './pipelines-page.tsx'
import { RunsPage } from './runs-page.tsx'
import { RunPage } from './run-page.tsx'
import { StartPage } from './start-page.tsx'

interface Route {
  readonly page: 'pipelines' | 'runs' | 'run' | 'start' | 'not-found'
  readonly arg?: string
  readonly query: URLSearchParams
}

function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?')
  const query = new URLSearchParams(search)
  const parts = path.split('/').filter(Boolean).map(decodePart)
  // A part that does not decode (`%E0%A4%A`, `%ZZ`) names no page, as an unknown one does.
  if (parts.includes(undefined)) return { page: 'not-found', arg: hash, query }
  if (parts[0] === 'runs' && parts[1] !== undefined) return { page: 'run', arg: parts[1], query }
  if (parts[0] === 'runs') return { page: 'runs', query }
  if (parts[0] === 'start' && parts[1] !== undefined) return { page: 'start', arg: parts[1], query }
  if (parts[0] === undefined) return { page: 'pipelines', query }
  return { page: 'not-found', arg: hash, query }
}

function decodePart(part: string): string | undefined {
  try {
    return decodeURIComponent(part)
  } catch {
    return undefined
  }
}

function NotFound({ hash }: { hash: string }) {
  return (
    <p class="problem" id="not-found">
      No page at '{hash}'; see the <a href="#/">pipelines</a> or the <a href="#/runs">runs</a>.
    </p>
  )
}

function App() {
  const [route, setRoute] = useState(() => parseRoute(location.hash))
  useEffect(() => {
    const onHash = (): void => setRoute(parseRoute(location.hash))
    addEventListener('hashchange', onHash)
    return () => removeEventListener('hashchange', onHash)
  }, [])
  return (
    <>
      <header class="top">
        <a class="brand" href="#/">weir</a>
        <nav>
          <a href="#/" class={route.page === 'pipelines' || route.page === 'start' ? 'active' : ''}>Pipelines</a>
          <a href="#/runs" class={route.page === 'runs' || route.page === 'run' ? 'active' : ''}>Runs</a>
        </nav>
      </header>
      <main>
        {route.page === 'pipelines' && <PipelinesPage />}
        {route.page === 'runs' && <RunsPage query={route.query} />}
        {route.page === 'run' && <RunPage key={route.arg} runId={route.arg!} />}
        {route.page === 'start' && <StartPage key={route.arg} pipeline={route.arg!} />}
        {route.page === 'not-found' && <NotFound hash={route.arg!} />}
      </main>
    </>
  )
}

render(<App />, document.getElementById('app')!)
