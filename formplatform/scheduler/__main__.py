"""Run the platform's periodic jobs once, now (the platform runs them by itself; this is for cron or by hand).

python -m formplatform.scheduler --data-dir instance              every job
python -m formplatform.scheduler --uri "$MONGODB_URI" --job reports.sweep
python -m formplatform.scheduler --list                            the jobs and how often they run
"""

from __future__ import annotations

import sys

from formplatform.scheduler.jobs import BY_NAME, JOBS


def main(argv: list[str] | None = None) -> int:
    from formplatform.config import ConfigError
    from formplatform.scheduler.cli import task_app, task_parser
    from formplatform.scheduler.runner import run_job

    parser = task_parser("formplatform.scheduler", __doc__)
    parser.add_argument("--job", action="append", choices=sorted(BY_NAME), help="run only this job (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the jobs and exit")
    args = parser.parse_args(argv)
    if args.list:
        for job in JOBS:
            print(f"{job.name:16} every {int(job.every):>6} s  {job.label}")
        return 0
    try:
        with task_app(args):
            failed = 0
            for job in [BY_NAME[name] for name in args.job] if args.job else JOBS:
                state = run_job(job, "command line")
                failed += state.outcome != "ok"
                done = ", ".join(f"{key} {value}" for key, value in state.summary.items())
                print(f"{job.name}: {state.outcome} in {state.last_seconds:.2f} s{': ' + done if done else ''}")
                if state.error:
                    print(f"  {state.error}", file=sys.stderr)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
