import type { JobInfo } from '../../../../common/contracts/jobs';

function describeExport(result: unknown): string {
  const r = result as { files?: string[]; pointsWritten?: number } | undefined;
  return r?.files ? `${(r.pointsWritten ?? 0).toLocaleString('en')} points → ${r.files.join(', ')}` : '';
}

export function JobsPanel({ jobs, onCancel }: { jobs: JobInfo[]; onCancel: (id: string) => void }) {
  if (jobs.length === 0) return <p className="muted">No jobs yet.</p>;
  return (
    <ul className="jobs">
      {jobs.map((job) => (
        <li key={job.id} className={`job job-${job.state}`}>
          <div className="job-title">
            <span>{job.title}</span>
            {(job.state === 'running' || job.state === 'queued') && (
              <button className="link" onClick={() => onCancel(job.id)} aria-label={`Cancel ${job.title}`}>
                cancel
              </button>
            )}
          </div>
          <progress max={1} value={job.progress ?? undefined} />
          <div className="job-message">{job.error ? job.error.message : job.message}</div>
          {job.state === 'done' && job.kind === 'export' && <div className="job-message">{describeExport(job.result)}</div>}
        </li>
      ))}
    </ul>
  );
}
