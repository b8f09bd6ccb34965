export const id = 65;
export const ids = [65];
export const modules = {

/***/ 6065:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  w6: () => (/* binding */ cancellationSignal),
  bw: () => (/* binding */ realDeps),
  Cs: () => (/* binding */ runAction)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6421);
// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js + 22 modules
var github = __webpack_require__(2413);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./lib/flow/deploy.js + 7 modules
var deploy = __webpack_require__(8271);
// EXTERNAL MODULE: ./lib/report/deployments.js
var deployments = __webpack_require__(7570);
// EXTERNAL MODULE: ./lib/io/errors.js
var errors = __webpack_require__(5626);
// EXTERNAL MODULE: ./lib/gate/github-retry.js
var github_retry = __webpack_require__(4491);
;// CONCATENATED MODULE: ./lib/gate/github-jobs.js


function fieldOf(value, key) {
    return typeof value === 'object' && value !== null
        ? value[key]
        : undefined;
}
function stringOrNull(value) {
    return typeof value === 'string' ? value : null;
}
function toJobInfo(raw) {
    const name = fieldOf(raw, 'name');
    const status = fieldOf(raw, 'status');
    const attempt = fieldOf(raw, 'run_attempt');
    if (typeof name !== 'string' || typeof status !== 'string') {
        throw new Error(`GitHub API returned a job without a name or status: ${JSON.stringify(raw)}`);
    }
    return {
        name,
        status,
        conclusion: stringOrNull(fieldOf(raw, 'conclusion')),
        runnerName: stringOrNull(fieldOf(raw, 'runner_name')),
        htmlUrl: stringOrNull(fieldOf(raw, 'html_url')),
        ...(typeof attempt === 'number' && Number.isInteger(attempt) ? { attempt } : {}),
    };
}
/** Turns a refusal into a message that says what to change; never includes the token. */
function explain(error, run, path, attempts) {
    const status = (0,github_retry/* statusOf */.c2)(error);
    const what = `listing the jobs of run ${run.runId} (attempt ${run.attempt})`;
    const detail = (0,errors/* errorMessage */.gJ)(error);
    const fail = (code, message) => new errors/* HttpError */.j$('GET', path, code, undefined, `${what} failed: ${message}`);
    const limited = (0,github_retry/* rateLimitMessage */.zt)(error, detail);
    if (limited !== undefined && status !== undefined)
        return fail(status, limited);
    if (status === 403) {
        return fail(403, `403 ${detail}. The github-token may not read this run's jobs; ` +
            'give the deploy job `permissions: { actions: read, contents: read }`');
    }
    if (status === 401) {
        return fail(401, `401 ${detail}. The github-token was refused (expired or not a token)`);
    }
    if (status === 404) {
        return fail(404, `404 ${detail}. Run ${run.runId} attempt ${run.attempt} of ${run.owner}/${run.repo} ` +
            'not found: is GITHUB_API_URL right, and does the token have access to this repository?');
    }
    if (status !== undefined && status < 500)
        return fail(status, `${status} ${detail}`);
    return new Error(`${what} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${detail}`);
}
/** Like a 502: retried as a read, reported as what it is when it keeps happening. */
function unreadable(path) {
    return Object.assign(new Error(`GitHub API answered ${path} without a complete, readable job list`), { status: 502 });
}
function jobsPath(run) {
    const repo = `${encodeURIComponent(run.owner)}/${encodeURIComponent(run.repo)}`;
    return `/repos/${repo}/actions/runs/${run.runId}/jobs`;
}
/** Most pages ever read: 5,000 jobs, far beyond a real run (GitHub caps a run at 256 jobs
 * per matrix), so a `next` that loops cannot keep the action reading. */
const MAX_PAGES = 50;
const PER_PAGE = 100;
/** The `rel="next"` target of a `Link` header (RFC 8288), if any. */
function nextLink(header) {
    if (typeof header !== 'string')
        return undefined;
    for (const part of header.split(',')) {
        const [target = '', ...params] = part.split(';').map((piece) => piece.trim());
        const rel = params.find((param) => /^rel\s*=/i.test(param));
        const relations = rel
            ?.replace(/^rel\s*=\s*/i, '')
            .replace(/"/g, '')
            .split(/\s+/) ?? [];
        if (relations.includes('next') && /^<[^>]*>$/.test(target))
            return target.slice(1, -1);
    }
    return undefined;
}
/** The next page's URL, only on the API's own origin: the token goes with every request. */
function followable(link, apiBase) {
    const origin = new URL(apiBase).origin;
    let target;
    try {
        target = new URL(link, apiBase);
    }
    catch {
        throw new Error(`GitHub API answered with a next-page link that is not a URL`);
    }
    if (target.origin !== origin) {
        throw new Error(`GitHub API pointed the next page of the job list at ${target.origin}, not at ` +
            `GITHUB_API_URL's ${origin}: not following it (the github-token would go there)`);
    }
    return target.href;
}
async function listOnce(octokit, path, timeoutMs) {
    // One deadline for every page of this listing.
    const signal = AbortSignal.timeout(timeoutMs);
    const apiBase = String(octokit.request.endpoint.DEFAULTS.baseUrl);
    let url = `${path}?filter=all&per_page=${PER_PAGE}`;
    const jobs = [];
    let total;
    for (let pages = 1;; pages += 1) {
        let response;
        try {
            response = await octokit.request({ method: 'GET', url, request: { signal } });
        }
        catch (error) {
            // octokit trips over a body that is not JSON with a plain TypeError.
            if ((0,github_retry/* statusOf */.c2)(error) === undefined)
                throw unreadable(path);
            throw error;
        }
        const data = response.data;
        const pageJobs = fieldOf(data, 'jobs');
        const pageTotal = fieldOf(data, 'total_count');
        // A cut or garbled body must not read as "no jobs": that would refuse for the wrong reason.
        if (!Array.isArray(pageJobs) || typeof pageTotal !== 'number')
            throw unreadable(path);
        total ??= pageTotal;
        jobs.push(...pageJobs);
        const next = nextLink(response.headers.link);
        if (next === undefined || jobs.length >= total)
            break;
        if (pages >= Math.min(MAX_PAGES, Math.ceil(total / PER_PAGE) + 1))
            break;
        url = followable(next, apiBase);
    }
    if (total === undefined || jobs.length < total)
        throw unreadable(path);
    return jobs.map(toJobInfo);
}
/** Each job as it last ran up to `attempt`: the executions of the highest attempt that ran a
 * job of that name (a matrix leg keeps its own name). A listing without `run_attempt` counts
 * as attempt 1, so nothing is dropped. */
function latestExecutions(jobs, attempt) {
    const attemptOf = (job) => job.attempt ?? 1;
    const upTo = jobs.filter((job) => attemptOf(job) <= attempt);
    const latest = new Map();
    for (const job of upTo)
        latest.set(job.name, Math.max(latest.get(job.name) ?? 0, attemptOf(job)));
    return upTo.filter((job) => attemptOf(job) === latest.get(job.name));
}
/** The jobs of the run as they last ran up to this attempt (every page). Each attempt at the
 * listing is bounded by `timeoutMs`; network errors and 5xx are retried twice. */
async function listRunJobs(octokit, run, timeoutMs) {
    const path = jobsPath(run);
    const jobs = await (0,github_retry/* retryRead */.Ng)(() => listOnce(octokit, path, timeoutMs), (error, attempts) => explain(error, run, path, attempts));
    return latestExecutions(jobs, run.attempt);
}

// EXTERNAL MODULE: ./lib/settings/inputs.js + 7 modules
var inputs = __webpack_require__(3700);
// EXTERNAL MODULE: ./lib/flow/recover.js
var recover = __webpack_require__(3008);
// EXTERNAL MODULE: ./lib/flow/run-record.js
var run_record = __webpack_require__(3739);
// EXTERNAL MODULE: ./lib/report/deployments-modes.js
var deployments_modes = __webpack_require__(3667);
// EXTERNAL MODULE: ./lib/flow/deploy-queue.js
var deploy_queue = __webpack_require__(2443);
;// CONCATENATED MODULE: ./lib/flow/mode-deployments.js
// GitHub deployments for `mode: rollback` and `mode: verify` (with `environment` set): a
// manual rollback moves the deployment pointer, a health check adds its verdict.






function logUrlOf(settings) {
    return (0,deployments/* runLogUrl */.lm)({
        serverUrl: settings.run.serverUrl,
        owner: settings.run.owner,
        repo: settings.run.repo,
        runId: settings.run.runId,
        attempt: settings.run.attempt,
    });
}
async function post(tracker, id, status, settings, record) {
    await tracker.setStatus(id, status.state, {
        ...(status.withEnvironmentUrl && record.webUrl !== undefined
            ? { environmentUrl: record.webUrl }
            : {}),
        logUrl: logUrlOf(settings),
        description: status.description,
    });
}
/** Ends a run without failing it over a status GitHub did not take: the app is what matters. */
async function warnIfNotRecorded(work) {
    try {
        await work();
    }
    catch (error) {
        core/* warning */.$e(`Could not record the GitHub deployment status: ${(0,errors/* errorMessage */.gJ)(error)}`, {
            title: 'Deployment status not recorded',
        });
    }
}
/**
 * Before a manual rollback: finds the current deployment and creates the one of the restored
 * release (a refused permission fails here, before the platform changes).
 */
async function startRollbackDeployment(settings, deps, record, from, target) {
    const tracker = deps.deployments(settings);
    const environment = settings.environment;
    if (tracker === undefined || environment === undefined)
        return undefined;
    const { current, created } = await (0,run_record/* phase */.O)(record, 'github deployment', deps.now, async (done) => {
        const found = await tracker.findCurrent(environment);
        const made = await tracker.createDeployment({
            sha: settings.run.sha,
            environment,
            production: (0,deployments/* looksLikeProduction */.lF)(environment),
            platform: settings.platform,
            app: settings.app,
            description: `guarded-deploy rollback of ${settings.app} from ${from.label} to ${target.label}`,
            extraPayload: { release: target.label, rolledBack: from.label },
            ticket: (0,deploy_queue/* ticketOf */.We)(settings),
        });
        done('ok', `deployment ${made.id} in ${environment} for ${target.label}`);
        return { current: found, created: made };
    });
    await tracker.setStatus(created.id, 'in_progress', {
        logUrl: logUrlOf(settings),
        description: `Rolling back ${settings.app} to ${target.label}`,
    });
    return {
        finish: (ok, reason) => warnIfNotRecorded(async () => {
            const facts = { target: target.label, from: from.label, ok };
            const statuses = (0,deployments_modes/* rollbackStatuses */.T)(reason === undefined ? facts : { ...facts, reason });
            for (const status of statuses) {
                const id = status.deployment === 'rolledBack' ? current : created.id;
                if (id !== undefined)
                    await post(tracker, id, status, settings, record);
            }
        }),
    };
}
/** After `mode: verify`: its verdict as a status of the current deployment, when there is one. */
async function recordVerifyStatus(settings, deps, record, release, healthy, reason) {
    const tracker = deps.deployments(settings);
    const environment = settings.environment;
    if (tracker === undefined || environment === undefined)
        return;
    await warnIfNotRecorded(async () => {
        const current = await tracker.findCurrent(environment);
        if (current === undefined) {
            core/* notice */.lm(`No current deployment in ${environment}: the verdict is not recorded there.`);
            return;
        }
        await post(tracker, current, (0,deployments_modes/* verifyStatus */.sm)(release.label, healthy, reason), settings, record);
    });
}

;// CONCATENATED MODULE: ./lib/flow/modes.js
// The two modes that change nothing but the live release: a manual rollback, and a health
// check of what is live. Neither has a gate or a build.





/** Opens the platform, reads what is live, runs `work`, and always closes the platform. */
async function withLiveApp(settings, deps, record, work) {
    const platform = deps.createPlatform(settings);
    try {
        const snapshot = await (0,deploy/* takeSnapshot */.W9)(platform, record, deps);
        const context = (0,deploy/* verifyContext */.dR)(settings, platform, snapshot, deps);
        record.healthUrl = context.healthUrl;
        await work(platform, snapshot, context);
    }
    finally {
        await platform.close();
    }
}
/** `mode: rollback`: back to `to-release` (or the release before the live one), verified. */
async function runRollbackMode(settings, deps, record) {
    await withLiveApp(settings, deps, record, async (platform, snapshot, context) => {
        const plan = await (0,run_record/* phase */.O)(record, 'find target', deps.now, async (done) => {
            const found = await platform.resolveTarget(settings.toRelease);
            done('ok', `${found.target.label} (${settings.toRelease === undefined ? 'the one before' : 'asked'})`);
            return found;
        });
        const { target } = plan;
        record.release = target;
        const tracking = await startRollbackDeployment(settings, deps, record, snapshot.current, target);
        if (deps.signal.aborted)
            throw new errors/* Cancelled */.cJ('The job was cancelled before the rollback');
        const outcome = await (0,recover/* rollbackAndVerify */.zg)(context, plan, record, deps);
        const cause = `Manual rollback from ${snapshot.current.label} to ${target.label}`;
        (0,recover/* reportRollback */.RB)(record, context, target, outcome, cause);
        await tracking?.finish(outcome.ok, outcome.ok ? undefined : outcome.error);
        if (outcome.ok) {
            record.result = 'rolled-back';
            record.cause = undefined;
        }
    });
}
/** `mode: verify`: the health check (both views) against what is live now. */
async function runVerifyMode(settings, deps, record) {
    await withLiveApp(settings, deps, record, async (_platform, snapshot, context) => {
        const verdict = await (0,deploy/* verifyPhase */.Bb)(record, deps, context, snapshot.current);
        if (verdict.healthy) {
            record.result = 'verified';
            record.appState = `${snapshot.current.label} is live and healthy`;
        }
        else {
            record.result = 'failed';
            record.cause = `Live release ${snapshot.current.label} is unhealthy: ${verdict.reason}`;
            record.appState = `${snapshot.current.label} is live and UNHEALTHY`;
        }
        const reason = verdict.healthy ? undefined : verdict.reason;
        await recordVerifyStatus(settings, deps, record, snapshot.current, verdict.healthy, reason);
    });
}

// EXTERNAL MODULE: ./lib/verify/health.js
var verify_health = __webpack_require__(4835);
// EXTERNAL MODULE: ./lib/io/child-process.js
var child_process = __webpack_require__(970);
;// CONCATENATED MODULE: ./lib/flow/plan-source.js
// What a deploy of a commit would ship from the source directory: how many files, how many
// bytes, read from the commit's tree (what the build gets), never from the working tree.

const GIT_TIMEOUT_MS = 60_000;
/** Sums `git ls-tree -r -l -z` lines: `<mode> <type> <object> <size>\t<path>` (git docs,
 * "git-ls-tree": `--long` shows the size of blobs, `-` for other objects). */
function sumTree(listing) {
    let files = 0;
    let bytes = 0;
    for (const entry of listing.split('\0')) {
        const match = /^\d+ blob [0-9a-f]+ +(\d+)\t/.exec(entry);
        if (match === null)
            continue;
        files += 1;
        bytes += Number(match[1]);
    }
    return { files, bytes };
}
/** The files of `commit` under `sourceDir`, as `git archive` would pack them. */
async function measureSource(sourceDir, commit) {
    // An argument that starts with '-' would be read by git as an option.
    if (!/^[^\s:-][^\s:]*$/.test(commit))
        throw new Error(`'${commit}' is not a commit name`);
    const listed = await (0,child_process/* runCli */.ak)('git', ['ls-tree', '-r', '-l', '-z', commit, '--', '.'], {
        cwd: sourceDir,
        timeoutMs: GIT_TIMEOUT_MS,
        silent: true,
    });
    return sumTree(listed.stdout);
}

;// CONCATENATED MODULE: ./lib/flow/plan-lock.js
// `mode: plan`'s view of the deploy lock: who holds the app right now, from the deploy queue
// (GitHub deployments, with `environment`) and from the platform. Reads once, never waits.



async function readSource(read) {
    try {
        return { holders: await read() };
    }
    catch (error) {
        return { unreadable: (0,errors/* errorMessage */.gJ)(error) };
    }
}
/** The `lock` row: `free`, `held by …`, or what could not be read (the plan still ends). */
function lockWords(app, reads) {
    const holders = reads.flatMap(([, read]) => ('holders' in read ? read.holders : []));
    const unread = reads.flatMap(([source, read]) => 'unreadable' in read ? [`${source} unreadable: ${read.unreadable}`] : []);
    const sources = reads.map(([source]) => source).join(' and ');
    const state = holders.length > 0
        ? `held: ${holders.join('; ')}`
        : unread.length === 0
            ? `free: no other deploy of ${app} in flight (${sources})`
            : 'unknown';
    return [state, ...unread].join('; ');
}
/** Who holds the app now, as a deploy would see it right before its push. */
async function lockRow(platform, settings, deps, record) {
    return (0,run_record/* phase */.O)(record, 'lock', deps.now, async (done) => {
        const reads = [];
        const tracker = deps.deployments(settings);
        if (tracker !== undefined && settings.environment !== undefined) {
            const queue = (0,deploy_queue/* queueReader */.pd)(tracker, settings.environment, settings, undefined, deps.now);
            reads.push([`deploy queue of ${settings.environment}`, await readSource(queue)]);
        }
        const onPlatform = platform.deploysInFlight?.bind(platform);
        if (onPlatform !== undefined)
            reads.push([settings.platform, await readSource(onPlatform)]);
        if (reads.length === 0) {
            done('ok', 'no lock to read');
            return ['lock', 'not checked'];
        }
        const words = lockWords(settings.app, reads);
        // A plan reports who holds the app (its log and summary show the row); it never waits.
        done('ok', words);
        return ['lock', words];
    });
}

;// CONCATENATED MODULE: ./lib/platforms/heroku/release-fields.js
const known = ['pending', 'succeeded', 'failed', 'expired'];
/** undefined when the answer has no status (older API versions); never throws. */
function readStatus(value) {
    if (value === undefined || value === null)
        return undefined;
    return typeof value === 'string' && known.includes(value) ? value : 'other';
}
/** The slug id, else the first artifact's id (Fir: `{type: "oci-image", id}`). A rollback
 * re-releases the same content, so this is how a restored release is recognised. */
function readContent(release) {
    const slugId = release.slug?.id;
    if (typeof slugId === 'string' && slugId !== '')
        return slugId;
    const artifacts = release.artifacts;
    if (!Array.isArray(artifacts))
        return undefined;
    for (const artifact of artifacts) {
        if (typeof artifact !== 'object' || artifact === null)
            continue;
        const { id } = artifact;
        if (typeof id === 'string' && id !== '')
            return id;
    }
    return undefined;
}
/** `eligible_for_rollback` when the API sends it (it came with Fir; heroku/cli PR #3081). */
function readEligible(value) {
    return typeof value === 'boolean' ? value : undefined;
}

;// CONCATENATED MODULE: ./lib/platforms/heroku/parse.js

function toRelease(state) {
    return {
        id: state.id,
        label: `v${state.version}`,
        ...(state.content === undefined ? {} : { content: state.content }),
    };
}
function requireObject(value, what) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new Error(`Heroku API answered without a ${what} object`);
    }
    return value;
}
const statuses = ['pending', 'succeeded', 'failed'];
function isStatus(value) {
    return typeof value === 'string' && statuses.includes(value);
}
function streamUrl(value) {
    return typeof value === 'string' && value !== '' ? value : undefined;
}
function parseRelease(body) {
    const release = requireObject(body, 'release');
    if (typeof release.id !== 'string' || typeof release.version !== 'number') {
        throw new Error('Heroku API answered with a release without id or version');
    }
    // Any status reads: only the releases the action waits on must end succeeded or failed.
    return {
        id: release.id,
        version: release.version,
        status: readStatus(release.status),
        current: release.current === true,
        content: readContent(release),
        eligibleForRollback: readEligible(release.eligible_for_rollback),
        outputStreamUrl: streamUrl(release.output_stream_url),
    };
}
function parseBuild(body) {
    const build = requireObject(body, 'build');
    if (typeof build.id !== 'string' || !isStatus(build.status)) {
        throw new Error('Heroku API answered with a build without id or status');
    }
    const releaseId = build.release?.id;
    return {
        id: build.id,
        status: build.status,
        releaseId: typeof releaseId === 'string' && releaseId !== '' ? releaseId : undefined,
        outputStreamUrl: streamUrl(build.output_stream_url),
    };
}
/** Every web dyno up and on `release`; the others named with what they are on. */
function dynoReport(body, release) {
    const dynos = (Array.isArray(body) ? body : [])
        .map((item) => requireObject(item, 'dyno'))
        .filter((dyno) => dyno.type === 'web');
    const instances = dynos.map((dyno) => ({
        id: dyno.name ?? dyno.id ?? '?',
        region: '-',
        image: `v${String(dyno.release?.version ?? '?')}`,
        state: dyno.state ?? 'unknown',
        checks: '-',
        ok: dyno.release?.id === release.id && dyno.state === 'up',
    }));
    const bad = instances.filter((instance) => !instance.ok);
    if (instances.length === 0) {
        return { ok: false, reason: 'no web dyno is running', instances };
    }
    return {
        ok: bad.length === 0,
        reason: bad.length === 0
            ? `${instances.length} web dyno${instances.length === 1 ? '' : 's'} up on ${release.label}`
            : bad.map((dyno) => `${dyno.id} is ${dyno.state} on ${dyno.image}`).join('; '),
        instances,
    };
}
function formatBytes(bytes) {
    if (bytes < 1024)
        return `${bytes} B`;
    if (bytes < 1024 * 1024)
        return `${(bytes / 1024).toFixed(1)} KiB`;
    return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

;// CONCATENATED MODULE: ./lib/flow/plan.js
// `mode: plan`: what a deploy would do, without doing it. The gate, the snapshot, one poll of
// the live release, what would be shipped, the rollback target and the settings in force.
// Nothing is written to the platform: only reads.







const BASELINE_TIMEOUT_MS = 10_000;
/** What would be shipped: the image, or the commit's files under `source-dir`. */
async function shippedRows(settings) {
    const commit = ['commit', settings.run.sha];
    const image = settings.fly?.image;
    if (image !== undefined)
        return [commit, ['image', `${image} (no build)`]];
    const size = await measureSource(settings.sourceDir, settings.run.sha);
    const where = settings.sourceDir === '' ? '.' : settings.sourceDir;
    const rows = [
        commit,
        ['source', `${size.files} files, ${formatBytes(size.bytes)} from ${where}`],
    ];
    if (settings.fly !== undefined)
        rows.push(['fly-config', settings.fly.flyConfig]);
    return rows;
}
/** The settings a deploy would run with. */
function settingsRows(settings, healthUrl) {
    const { health } = settings;
    const rows = [
        ['health-url', healthUrl],
        ['expected-status', (0,verify_health/* formatStatusRanges */.cO)(health.criteria.expectedStatus)],
        [
            'check-string',
            health.criteria.checkString === '' ? '(any body)' : health.criteria.checkString,
        ],
        [
            'health',
            `${health.threshold} passing polls, every ${health.intervalMs / 1000} s, ` +
                `within ${health.timeoutMs / 1000} s`,
        ],
        ['rollback', settings.rollback ? 'automatic' : 'off'],
        [
            'require-jobs',
            settings.requireJobs.length === 0 ? '(none)' : settings.requireJobs.join(', '),
        ],
        ['environment', settings.environment ?? '(no GitHub deployment)'],
    ];
    if (health.version !== undefined) {
        rows.push(['version-url', `${health.version.url} shows ${health.version.expected}`]);
    }
    if (settings.fly !== undefined && settings.fly.flyctlArgs.length > 0) {
        rows.push(['flyctl-args', settings.fly.flyctlArgs.join(' ')]);
    }
    return rows;
}
/** One poll of the live release, the baseline a deploy's verdict would be compared with. */
async function baselineRow(settings, deps, record, snapshot, healthUrl) {
    return (0,run_record/* phase */.O)(record, 'baseline', deps.now, async (done) => {
        const poll = await deps.probe.poll(healthUrl, BASELINE_TIMEOUT_MS);
        const judged = (0,verify_health/* judgePoll */.xM)(poll, settings.health.criteria);
        const answer = poll.status === null ? 'no answer' : `HTTP ${poll.status}`;
        const words = `${answer} in ${Math.round(poll.latencyMs)} ms, ${judged.pass ? 'passes' : judged.reason}`;
        done(judged.pass ? 'ok' : 'failed', words);
        return ['live now', `${snapshot.current.label}: ${words}`];
    });
}
/** `mode: plan`. Fills `record` with `result: planned` and the plan; changes nothing. */
async function runPlanMode(settings, deps, record) {
    if (!(await (0,deploy/* passGate */.lt)(settings, deps, record)))
        return;
    const platform = deps.createPlatform(settings);
    try {
        const snapshot = await (0,deploy/* takeSnapshot */.W9)(platform, record, deps);
        const context = (0,deploy/* verifyContext */.dR)(settings, platform, snapshot, deps);
        record.healthUrl = context.healthUrl;
        const baseline = await baselineRow(settings, deps, record, snapshot, context.healthUrl);
        const lock = await lockRow(platform, settings, deps, record);
        const shipped = await (0,run_record/* phase */.O)(record, 'what ships', deps.now, async (done) => {
            const rows = await shippedRows(settings);
            done('ok', rows.map(([, value]) => value).join('; '));
            return rows;
        });
        const rows = [
            baseline,
            lock,
            ...shipped,
            ['rollback target', snapshot.restore.target.label],
            ...settingsRows(settings, context.healthUrl),
        ];
        record.plan = rows;
        for (const [what, value] of rows)
            core/* info */.pq(`plan: ${what}: ${value}`);
        record.result = 'planned';
        record.appState = 'nothing was changed: this was a plan';
    }
    finally {
        await platform.close();
    }
}

// EXTERNAL MODULE: ./lib/settings/names.js
var names = __webpack_require__(9285);
// EXTERNAL MODULE: ./lib/flow/decide.js
var decide = __webpack_require__(7922);
;// CONCATENATED MODULE: ./lib/platforms/fly/live-commit.js
// Which commit the live Fly release runs: the `GH_SHA` image label flyctl sets on images it
// builds in GitHub Actions, shown by the Machines API in `image_ref.labels`. Only when every
// app machine carries the same one: a mixed app is not "already live".
function commitOfMachines(machines) {
    const shas = new Set(machines.map((machine) => machine.labels.GH_SHA ?? ''));
    const [only] = [...shas];
    return machines.length > 0 && shas.size === 1 && only !== '' ? only : undefined;
}

;// CONCATENATED MODULE: ./lib/platforms/fly/token.js
// Reads a Fly token in every form users paste it, the way flyctl does, and says how to send it:
// macaroons as `FlyV1 <parts>`, anything else (old personal tokens) as `Bearer <parts>`.
const macaroonPrefixes = ['fm1r_', 'fm1a_', 'fm2_'];
/** `FlyV1 fm2_a,fm2_b`, `fm2_a,fm2_b`, `Bearer abc` or `abc` → the header to send. */
function parseFlyToken(raw) {
    const bare = stripScheme(raw.trim());
    const parts = bare
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '');
    if (parts.length === 0)
        throw new Error('The Fly token is empty');
    const macaroons = parts.filter((part) => macaroonPrefixes.some((prefix) => part.startsWith(prefix)));
    if (macaroons.length > 0) {
        const joined = macaroons.join(',');
        return { authorization: `FlyV1 ${joined}`, envValue: `FlyV1 ${joined}`, kind: 'macaroon' };
    }
    // Every other part goes in Bearer, joined with commas (fly-go tokens/tokens.go `Parse`,
    // `normalized`).
    const token = parts.join(',');
    return { authorization: `Bearer ${token}`, envValue: token, kind: 'bearer' };
}
function stripScheme(value) {
    const match = /^(FlyV1|Bearer)(\s+|$)/i.exec(value);
    return match ? value.slice(match[0].length).trim() : value;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var external_node_fs_promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
// EXTERNAL MODULE: ./lib/io/secrets.js
var secrets = __webpack_require__(3869);
;// CONCATENATED MODULE: ./lib/io/http-answer.js


const errorBodyLimit = 64 * 1024;
/** The URL without its query string: a presigned URL's query is a credential. */
function safeUrl(url) {
    return `${url.origin}${url.pathname}`;
}
function describeFailure(error) {
    const message = (0,errors/* errorMessage */.gJ)(error);
    if (typeof error === 'object' && error !== null && 'code' in error) {
        const code = error.code;
        if (typeof code === 'string' && !message.includes(code))
            return `${message} (${code})`;
    }
    return message;
}
function firstValues(headers) {
    const result = {};
    for (const [name, value] of Object.entries(headers)) {
        const first = Array.isArray(value) ? value[0] : value;
        if (typeof first === 'string')
            result[name.toLowerCase()] = first;
    }
    return result;
}
function lowerKeys(headers) {
    const result = {};
    for (const [name, value] of Object.entries(headers ?? {}))
        result[name.toLowerCase()] = value;
    return result;
}
function toBytes(chunk) {
    if (chunk instanceof Uint8Array)
        return chunk;
    return new TextEncoder().encode(String(chunk));
}
/** The platform's `{id, message}` (JSON) or an S3-style `<Code>`/`<Message>` (XML). */
async function readErrorDetail(body) {
    const decoder = new TextDecoder();
    let text = '';
    try {
        for await (const chunk of body) {
            text += decoder.decode(toBytes(chunk), { stream: true });
            if (text.length >= errorBodyLimit)
                break;
        }
    }
    catch {
        return {};
    }
    finally {
        body.destroy();
    }
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
        try {
            const parsed = JSON.parse(trimmed);
            if (typeof parsed !== 'object' || parsed === null)
                return {};
            const { id, message } = parsed;
            return {
                ...(typeof id === 'string' ? { id: (0,secrets/* redactSecrets */.fp)(id) } : {}),
                ...(typeof message === 'string' ? { message: (0,secrets/* redactSecrets */.fp)(message) } : {}),
            };
        }
        catch {
            return {};
        }
    }
    const code = /<Code>([^<]{1,100})<\/Code>/.exec(trimmed)?.[1];
    const message = /<Message>([^<]{1,500})<\/Message>/.exec(trimmed)?.[1];
    return {
        ...(code ? { id: (0,secrets/* redactSecrets */.fp)(code) } : {}),
        ...(message ? { message: (0,secrets/* redactSecrets */.fp)(message) } : {}),
    };
}

// EXTERNAL MODULE: ./lib/io/retry.js
var retry = __webpack_require__(4670);
// EXTERNAL MODULE: ./lib/io/tail-buffer.js
var tail_buffer = __webpack_require__(2887);
;// CONCATENATED MODULE: ./lib/io/http.js
// A small JSON client for the platform APIs over one keep-alive undici Agent, with timeouts,
// safe retries, error messages that name the request, plus streaming GET and file PUT.







const defaultTimeoutMs = 30_000;
const uploadTimeoutMs = 15 * 60_000;
const realSleep = (ms) => new Promise((resolve) => {
    setTimeout(resolve, ms);
});
class HttpClient {
    options;
    dispatcher;
    ownedAgent;
    apiOrigin;
    policy;
    sleep;
    now;
    random;
    debug;
    constructor(options) {
        this.options = options;
        this.apiOrigin = new URL(options.baseUrl).origin;
        if (options.dispatcher) {
            this.dispatcher = options.dispatcher;
        }
        else {
            this.ownedAgent = new undici.Agent({ keepAliveTimeout: 10_000, connect: { timeout: 10_000 } });
            this.dispatcher = this.ownedAgent;
        }
        this.policy = options.retry ?? retry/* defaultRetryPolicy */.ur;
        this.sleep = options.sleep ?? realSleep;
        this.now = options.now ?? Date.now;
        this.random = options.random ?? Math.random;
        this.debug = options.debug ?? (() => undefined);
    }
    /** A JSON request to the API (`/path`) or an absolute URL; any 2xx resolves. */
    async request(method, pathOrUrl, options = {}) {
        const url = this.resolve(pathOrUrl);
        const json = options.body === undefined ? undefined : JSON.stringify(options.body);
        const headers = this.headersFor(url, options.headers);
        if (json !== undefined)
            headers['content-type'] = 'application/json';
        return this.send({
            method,
            url,
            headers,
            makeBody: () => json,
            // A JSON string body is replayable, so PUT counts as idempotent here.
            idempotent: method !== 'POST' && method !== 'PATCH',
            timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? defaultTimeoutMs,
        }, async (response) => ({
            status: response.statusCode,
            headers: firstValues(response.headers),
            body: await this.readJson(method, url, response),
        }));
    }
    /** Text lines of a GET body as they arrive (build output); throws at the deadline. */
    async *streamLines(pathOrUrl, options) {
        const url = this.resolve(pathOrUrl);
        const signal = AbortSignal.timeout(options.deadlineMs);
        const response = await this.send({
            method: 'GET',
            url,
            headers: this.headersFor(url, options.headers),
            makeBody: () => undefined,
            idempotent: true,
            timeoutMs: options.deadlineMs,
            signal,
            idleTimeoutMs: options.idleTimeoutMs ?? 5 * 60_000,
        }, (answer) => Promise.resolve(answer));
        // Lines are capped, and so is a line still waiting for its break (tail-buffer.ts).
        const ready = [];
        const lines = (0,tail_buffer/* lineSplitter */.s1)((line) => ready.push(line));
        let finished = false;
        try {
            for await (const chunk of response.body) {
                lines.push(toBytes(chunk));
                yield* ready.splice(0);
            }
            lines.end();
            yield* ready.splice(0);
            finished = true;
        }
        catch (error) {
            const why = signal.aborted
                ? `deadline of ${options.deadlineMs} ms reached`
                : `interrupted: ${describeFailure(error)}`;
            throw new errors/* HttpError */.j$('GET', safeUrl(url), response.statusCode, undefined, `${this.serviceFor(url)} stream ${why} (GET ${url.pathname})`);
        }
        finally {
            // The consumer may stop early: free the connection instead of leaving it half read.
            if (!finished)
                response.body.destroy();
        }
    }
    /** Streams a file as the body of a PUT (presigned upload): Content-Length, no Content-Type. */
    async putFile(pathOrUrl, filePath, options = {}) {
        const url = this.resolve(pathOrUrl);
        const { size } = await (0,external_node_fs_promises_.stat)(filePath);
        const headers = this.headersFor(url, options.headers);
        headers['content-length'] = String(size);
        let current;
        try {
            await this.send({
                method: 'PUT',
                url,
                headers,
                makeBody: () => {
                    current?.destroy();
                    current = (0,external_node_fs_.createReadStream)(filePath);
                    return current;
                },
                idempotent: true,
                timeoutMs: options.timeoutMs ?? uploadTimeoutMs,
            }, async (response) => {
                await response.body.dump();
            });
        }
        finally {
            current?.destroy();
        }
    }
    /** Closes the keep-alive connections of the Agent this client created. */
    async close() {
        await this.ownedAgent?.close();
    }
    resolve(pathOrUrl) {
        if (pathOrUrl.startsWith('/'))
            return new URL(`${this.options.baseUrl}${pathOrUrl}`);
        return new URL(pathOrUrl);
    }
    headersFor(url, extra) {
        const headers = { 'user-agent': this.options.userAgent };
        if (url.origin === this.apiOrigin)
            Object.assign(headers, lowerKeys(this.options.apiHeaders));
        Object.assign(headers, lowerKeys(extra));
        return headers;
    }
    serviceFor(url) {
        return url.origin === this.apiOrigin ? this.options.service : url.host;
    }
    /** Runs the attempts of one request; `consume` turns a 2xx answer into the result. */
    async send(attempt, consume) {
        const started = this.now();
        for (let count = 1;; count += 1) {
            const outcome = await this.tryOnce(attempt, consume, count);
            if (outcome.kind === 'answered')
                return outcome.value;
            const decision = (0,retry/* nextRetry */.GL)(count, this.now() - started, this.policy, outcome.retryAfterMs, this.random);
            if (!decision.retry)
                throw requestError(attempt, outcome.failure, decision.reason);
            await this.sleep(decision.delayMs);
        }
    }
    /** One attempt: the result, a failure worth retrying, or a thrown HttpError. */
    async tryOnce(attempt, consume, count) {
        const { method, url } = attempt;
        const attemptStart = this.now();
        const body = attempt.makeBody();
        try {
            const response = await (0,undici.request)(url, {
                dispatcher: this.dispatcher,
                method,
                headers: attempt.headers,
                body: body ?? null,
                signal: attempt.signal ?? AbortSignal.timeout(attempt.timeoutMs),
                headersTimeout: attempt.timeoutMs,
                bodyTimeout: attempt.idleTimeoutMs ?? attempt.timeoutMs,
            });
            const status = response.statusCode;
            this.debug(`${method} ${url.pathname} -> ${status} in ${this.now() - attemptStart} ms ` +
                `(attempt ${count})`);
            if (status < 200 || status >= 300)
                return await this.refused(attempt, response);
            try {
                return { kind: 'answered', value: await consume(response) };
            }
            catch (error) {
                // A garbled answer to a read is read again; to a write, the caller must check.
                if (error instanceof errors/* HttpError */.j$ && !attempt.idempotent)
                    throw error;
                throw new TransportFailure(error);
            }
        }
        catch (error) {
            if (error instanceof errors/* HttpError */.j$)
                throw error;
            if (body !== undefined && typeof body !== 'string')
                body.destroy();
            const cause = error instanceof TransportFailure ? error.cause : error;
            this.debug(`${method} ${url.pathname} failed in ${this.now() - attemptStart} ms ` +
                `(attempt ${count}): ${describeFailure(cause)}`);
            const aborted = attempt.signal?.aborted === true;
            const reason = aborted ? 'deadline reached' : describeFailure(cause);
            const failure = {
                status: 0,
                errorId: undefined,
                summary: `${this.serviceFor(url)} request failed: ${reason}`,
            };
            if (aborted)
                throw requestError(attempt, failure);
            if (!attempt.idempotent) {
                throw requestError(attempt, failure, 'not repeated, the platform may have processed it');
            }
            return { kind: 'retry', failure, retryAfterMs: undefined };
        }
    }
    /** A non-2xx answer: thrown unless it is one worth retrying. */
    async refused(attempt, response) {
        const status = response.statusCode;
        const detail = await readErrorDetail(response.body);
        const text = detail.message ?? (detail.id ? undefined : response.statusText);
        const failure = {
            status,
            errorId: detail.id,
            summary: `${this.serviceFor(attempt.url)} answered ${status}${detail.id ? ` ${detail.id}` : ''}` +
                `${text ? `: ${text}` : ''}`,
        };
        // 429 means the request was not processed; anything else is only safe to repeat
        // when doing it twice cannot do the work twice.
        const retryable = status === 429 || (attempt.idempotent && status >= 500);
        if (!retryable)
            throw requestError(attempt, failure);
        const retryAfterMs = status === 429 || status === 503
            ? (0,retry/* parseRetryAfterMs */.oR)(response.headers['retry-after'], this.now())
            : undefined;
        return { kind: 'retry', failure, retryAfterMs };
    }
    async readJson(method, url, response) {
        const text = await response.body.text();
        if (text.trim() === '')
            return undefined;
        try {
            return JSON.parse(text);
        }
        catch {
            throw new errors/* HttpError */.j$(method, safeUrl(url), response.statusCode, undefined, `${this.serviceFor(url)} answered ${response.statusCode} with a body that is not JSON ` +
                `(${method} ${url.pathname})`);
        }
    }
}
function requestError(attempt, failure, note) {
    const { method, url } = attempt;
    return new errors/* HttpError */.j$(method, safeUrl(url), failure.status, failure.errorId, `${failure.summary} (${method} ${url.pathname}${note ? `; ${note}` : ''})`);
}
/** A failure while reading a 2xx body: a transport problem, retried like a reset. */
class TransportFailure extends Error {
    cause;
    constructor(cause) {
        super((0,errors/* errorMessage */.gJ)(cause));
        this.cause = cause;
    }
}

;// CONCATENATED MODULE: ./lib/platforms/kit/api-client.js
// The HTTP client of a platform adapter, set up the same way for both: one keep-alive agent
// (or the tests' dispatcher), the retry policy and clock injected, a refused token re-worded.




/** The real clock, a keep-alive agent of our own, the default retry policy. */
const defaultApiClientDeps = {
    sleep: (ms) => new Promise((resolve) => {
        setTimeout(resolve, ms);
    }),
    now: Date.now,
    dispatcher: undefined,
    retry: retry/* defaultRetryPolicy */.ur,
    random: Math.random,
    debug: core/* debug */.Yz,
};
function createApiClient(spec, deps) {
    return new HttpClient({
        baseUrl: spec.baseUrl,
        service: spec.service,
        userAgent: spec.userAgent,
        apiHeaders: spec.apiHeaders,
        ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
        retry: deps.retry,
        sleep: deps.sleep,
        now: deps.now,
        random: deps.random,
        debug: (line) => deps.debug(`${spec.debugPrefix}: ${line}`),
    });
}
function callWithTokenHints(client, hints) {
    return async (method, path, options) => {
        try {
            return await client.request(method, path, options);
        }
        catch (error) {
            throw (0,errors/* withTokenHint */.ng)(error, hints);
        }
    };
}
/** A 404 for the app itself, re-worded to say the app does not exist (`what` says what to
 * do); anything else unchanged. */
function withAppNotFound(error, what) {
    if (!(error instanceof errors/* HttpError */.j$) || error.status !== 404)
        return error;
    return new errors/* HttpError */.j$(error.method, error.url, error.status, error.errorId, `${what} ${error.message}`);
}

// EXTERNAL MODULE: ./lib/platforms/kit/poll.js
var poll = __webpack_require__(5398);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./lib/platforms/fly/lease-wait.js
// How long a rollback waits for a lease someone else holds on a machine: out of what is left
// of the rollback's budget, keeping back what the rest of that machine's restore needs. Pure,
// clock passed in.
/** Just past the expiry, so the next request does not race it. */
const PAST_EXPIRY_MS = 500;
function decideLeaseWait(facts) {
    const left = Math.max(0, facts.budgetEndsAt - facts.reserveMs - facts.now);
    const giveUp = { kind: 'give-up', leftMs: left };
    if (left === 0)
        return giveUp;
    if (facts.holderExpiresAt === undefined) {
        if (facts.attempt >= facts.maxAttempts)
            return giveUp;
        return { kind: 'wait', ms: Math.min(facts.retryMs, left) };
    }
    const expiresIn = Math.max(0, facts.holderExpiresAt - facts.now);
    if (expiresIn > left)
        return giveUp;
    return { kind: 'wait', ms: Math.min(expiresIn + PAST_EXPIRY_MS, left) };
}

;// CONCATENATED MODULE: ./lib/platforms/fly/machine.js
// What the action reads from a Fly Machine object, validated, plus the pure judgments on it:
// which machines belong to the app, which image they run, whether that is a given release.
/** Process groups flyctl runs next to the app that serve nothing. */
const helperGroups = new Set([
    'fly_app_release_command',
    'fly_app_console',
    'fly_app_test_machine_command',
]);
const goneStates = new Set(['destroyed', 'destroying']);
function parseMachine(value) {
    const machine = asRecord(value);
    const id = machine?.id;
    if (machine === undefined || typeof id !== 'string' || id === '') {
        throw new Error('Fly Machines API answered with a machine without an id');
    }
    // fly-go `GetConfig`: `config`, else `incomplete_config` when the host is not "ok".
    const full = asRecord(machine.config);
    const partial = full === undefined ? asRecord(machine.incomplete_config) : undefined;
    const config = full ?? partial ?? {};
    const imageRef = asRecord(machine.image_ref) ?? {};
    const configImage = stringOr(config.image, '');
    const digest = nonEmpty(imageRef.digest);
    const registry = nonEmpty(imageRef.registry);
    const repository = nonEmpty(imageRef.repository);
    const pinned = digest !== undefined && repository !== undefined
        ? `${registry === undefined ? '' : `${registry}/`}${repository}@${digest}`
        : undefined;
    return {
        id,
        name: stringOr(machine.name, id),
        state: stringOr(machine.state, 'unknown'),
        region: stringOr(machine.region, '-'),
        instanceId: stringOr(machine.instance_id, ''),
        config,
        configImage,
        digest,
        tag: nonEmpty(imageRef.tag),
        labels: stringMap(imageRef.labels),
        image: pinned ?? configImage,
        metadata: stringMap(config.metadata),
        checks: (Array.isArray(machine.checks) ? machine.checks : [])
            .map((check) => {
            const entry = asRecord(check) ?? {};
            return { name: stringOr(entry.name, '?'), status: stringOr(entry.status, 'unknown') };
        })
            // flaps adds these for old flyctl builds; fly-go drops them (machine_types.go
            // `RemoveCompatChecks`), and so does this.
            .filter((check) => !check.name.startsWith('bg_deployments_compat')),
        cordoned: machine.cordoned === true,
        incompleteConfig: partial !== undefined,
        lastExit: lastExitOf(machine.events),
        pinnedImage: pinnedWithTag(registry, repository, nonEmpty(imageRef.tag), digest),
    };
}
function pinnedWithTag(registry, repository, tag, digest) {
    if (repository === undefined || tag === undefined || digest === undefined)
        return undefined;
    return `${registry === undefined ? '' : `${registry}/`}${repository}:${tag}@${digest}`;
}
/** The newest `exit` event (the API lists events newest first). */
function lastExitOf(events) {
    if (!Array.isArray(events))
        return undefined;
    const records = events.map(asRecord);
    const exitIndex = records.findIndex((event) => event?.type === 'exit');
    const exit = records[exitIndex];
    if (exit === undefined)
        return undefined;
    const configIndex = records.findIndex((e) => e?.type === 'update' || e?.type === 'launch');
    const details = asRecord(asRecord(exit.request)?.exit_event) ?? {};
    const code = details.exit_code;
    return {
        exitCode: typeof code === 'number' ? code : undefined,
        requestedStop: details.requested_stop === true,
        sinceUpdate: configIndex === -1 || exitIndex < configIndex,
    };
}
function parseMachineList(body) {
    if (!Array.isArray(body))
        throw new Error('Fly Machines API answered without a machine list');
    return body.map(parseMachine);
}
/** Machines of the app itself: Fly Launch (v2) machines, not release-command, console or test
 * machines, not being destroyed. */
function isAppMachine(machine) {
    return (machine.metadata.fly_platform_version === 'v2' &&
        !helperGroups.has(machine.metadata.fly_process_group ?? '') &&
        !goneStates.has(machine.state));
}
/** The machines grouped by image, the largest group (then the newest version) first. */
function groupByImage(machines) {
    const groups = new Map();
    for (const machine of machines) {
        const group = groups.get(machine.image);
        if (group)
            group.push(machine);
        else
            groups.set(machine.image, [machine]);
    }
    return [...groups.values()].sort((a, b) => b.length - a.length || versionOf(b) - versionOf(a));
}
/** Prefix of the id of a release that is several images at once. */
const MIXED = 'mixed:';
/** What the machines run as one Release; a mix gets an id that names every image in it, so
 * it never equals the id of any single release. */
function releaseOf(machines) {
    const groups = groupByImage(machines);
    const first = groups[0];
    if (first === undefined)
        throw new Error('no app machine to read a release from');
    if (groups.length === 1) {
        const shown = first[0] === undefined ? '?' : displayImage(first[0]);
        const release = { id: first[0]?.image ?? '', label: labelOf(first) };
        return shown === '?' || shown === release.id ? release : { ...release, image: shown };
    }
    return {
        id: `${MIXED}${groups.map((group) => group[0]?.image ?? '').join('+')}`,
        label: `mixed (${groups.map((group) => `${labelOf(group)} on ${group.length}`).join(', ')})`,
    };
}
/** Whether `machine` runs `release`, judged on what it runs (`image_ref`) before what it is
 * configured to run: by digest when both sides have one, else by the build's label or
 * `GH_SHA`, else by tag; the config image only when the machine says nothing else. */
function runsRelease(machine, release, hint) {
    if (machine.image === release.id)
        return true;
    // A mixed release (an app that started on several images and was restored so): a machine
    // runs it when it runs one of its images; the rollback checked each machine's own image.
    if (release.id.startsWith(MIXED)) {
        return release.id
            .slice(MIXED.length)
            .split('+')
            .some((image) => runsRelease(machine, { id: image, label: release.label }, undefined));
    }
    const wanted = digestOf(release.id);
    if (wanted !== undefined && machine.digest !== undefined)
        return machine.digest === wanted;
    if (hint?.imageLabel !== undefined && machine.tag !== undefined) {
        return machine.tag === hint.imageLabel;
    }
    const sha = machine.labels.GH_SHA;
    if (hint !== undefined && sha !== undefined)
        return sha === hint.commit;
    const tag = tagOf(release.id);
    if (tag !== undefined && machine.tag !== undefined) {
        return machine.tag === tag && repositoryOf(release.id) === repositoryOf(machine.configImage);
    }
    return machine.configImage === release.id;
}
/** Whether two readings of a machine run the same image (digest first). */
function sameImage(a, b) {
    if (a.digest !== undefined && b.digest !== undefined)
        return a.digest === b.digest;
    return a.configImage === b.configImage;
}
/** One report row; `ok` is the verdict on the machine (serving.ts). */
function instanceOf(machine, ok) {
    const passing = machine.checks.filter((check) => check.status === 'passing').length;
    const total = machine.checks.length;
    return {
        id: machine.id,
        region: machine.region,
        image: displayImage(machine),
        state: machine.state,
        checks: total === 0 ? '-' : `${passing}/${total} passing`,
        ok,
    };
}
/** Short image name for tables: tag and the start of the digest. */
function displayImage(machine) {
    const digest = machine.digest?.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1');
    const tag = machine.tag ?? tagOf(machine.configImage);
    if (tag !== undefined && digest !== undefined)
        return `${tag}@${digest}`;
    return machine.image === '' ? '?' : machine.image;
}
function digestOf(ref) {
    return /@(sha256:[0-9a-f]{64})$/.exec(ref)?.[1];
}
/** The tag of `registry/repo:tag` (not the port of a registry host). */
function tagOf(ref) {
    const withoutDigest = ref.split('@')[0] ?? '';
    const lastPart = withoutDigest.split('/').pop() ?? '';
    const colon = lastPart.lastIndexOf(':');
    return colon > 0 ? lastPart.slice(colon + 1) : undefined;
}
function repositoryOf(ref) {
    const name = ref.split('@')[0] ?? '';
    const tag = tagOf(name);
    return name === '' ? undefined : tag === undefined ? name : name.slice(0, -tag.length - 1);
}
function labelOf(group) {
    const version = versionOf(group);
    return version < 0 ? 'v?' : `v${version}`;
}
/** The highest release version among the machines, -1 when none has one. */
function versionOf(group) {
    let best = -1;
    for (const machine of group) {
        const version = Number(machine.metadata.fly_release_version);
        if (Number.isInteger(version) && version > best)
            best = version;
    }
    return best;
}
function asRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? value
        : undefined;
}
function stringOr(value, fallback) {
    return typeof value === 'string' ? value : fallback;
}
function nonEmpty(value) {
    return typeof value === 'string' && value !== '' ? value : undefined;
}
function stringMap(value) {
    const result = {};
    for (const [key, entry] of Object.entries(asRecord(value) ?? {})) {
        if (typeof entry === 'string')
            result[key] = entry;
        else if (typeof entry === 'number')
            result[key] = String(entry);
    }
    return result;
}
/** How many health checks a machine config declares (top-level `checks` and the checks of
 * its `services`): with none, there is nothing to wait for. */
function declaredChecks(config) {
    const top = config.checks;
    let count = typeof top === 'object' && top !== null ? Object.keys(top).length : 0;
    const services = Array.isArray(config.services) ? config.services : [];
    for (const service of services) {
        const checks = service?.checks;
        if (Array.isArray(checks))
            count += checks.length;
    }
    return count;
}
/** What a rollback needs of a machine, and nothing else. */
/** What a rollback needs of a machine; its config's image pinned to the digest it ran
 * (`repository:tag@sha256:...`), so the restore cannot bring back a re-pushed tag. */
function savedMachine(machine) {
    const { id, region, instanceId, digest, image, state, incompleteConfig } = machine;
    const pinned = machine.pinnedImage;
    const config = pinned === undefined ? machine.config : { ...machine.config, image: pinned };
    return {
        id,
        region,
        instanceId,
        config,
        configImage: pinned ?? machine.configImage,
        digest,
        image,
        state,
        ...(incompleteConfig ? { incompleteConfig } : {}),
    };
}
function imageOfConfig(config) {
    return typeof config.image === 'string' ? config.image : '';
}
function releaseVersionOf(config) {
    const version = asRecord(config.metadata)?.fly_release_version;
    return typeof version === 'string' || typeof version === 'number' ? String(version) : undefined;
}

;// CONCATENATED MODULE: ./lib/platforms/fly/api.js
// The Fly Machines API calls the platform makes, paced like Fly's limits ask (about one request
// per second per machine and action, burst 3), with leases, waits and the app-level reads.





const burst = 3;
const refillMs = 1_000;
/** Token buckets keyed by machine and action. */
class Pacer {
    timing;
    buckets = new Map();
    constructor(timing) {
        this.timing = timing;
    }
    async take(key) {
        const now = this.timing.now();
        const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
        const tokens = Math.min(burst, bucket.tokens + (now - bucket.at) / refillMs);
        if (tokens >= 1) {
            this.buckets.set(key, { tokens: tokens - 1, at: now });
            return;
        }
        const waitMs = Math.ceil((1 - tokens) * refillMs);
        this.buckets.set(key, { tokens: 0, at: now + waitMs });
        await this.timing.sleep(waitMs);
    }
}
class FlyApi {
    client;
    app;
    timing;
    pacer;
    appPath;
    /** Names this client's leases, so one whose grant answer was lost can be taken back. */
    leaseDescription = `guarded-deploy rollback ${(0,external_node_crypto_.randomUUID)().slice(0, 8)}`;
    /** Machines whose lease request failed without saying whether the lease was granted. */
    uncertainLeases = new Set();
    /** Nonces of the leases this client was granted and has not given back (a release or a
     * destroy that failed): a later attempt goes on with them instead of waiting on itself. */
    heldLeases = new Map();
    /** When the rollback's budget runs out (clock of `timing.now`), once it started. */
    rollbackEndsAt;
    /** Every call: a refused token gets a message that says what to fix. */
    call;
    constructor(client, app, timing) {
        this.client = client;
        this.app = app;
        this.timing = timing;
        this.call = callWithTokenHints(client, {
            refused: 'The Fly Machines API refused the token: check the `api-token` secret',
            forbidden: `The token has no access to this on ${app}: use a deploy token of the app`,
        });
        this.pacer = new Pacer(timing);
        this.appPath = `/v1/apps/${encodeURIComponent(app)}`;
    }
    /** Fails with a message saying the app does not exist when Fly answers 404. */
    async requireApp() {
        try {
            await this.call('GET', this.appPath);
        }
        catch (error) {
            throw withAppNotFound(error, `Fly app '${this.app}' not found: check the \`app\` input; this action never creates ` +
                'apps, so run `fly launch` or `fly apps create` once first.');
        }
    }
    async listMachines() {
        return parseMachineList((await this.call('GET', `${this.appPath}/machines`)).body);
    }
    /** App machines someone holds a lease on, each named with the lease's owner, description
     * and end: the list with `include_leases=true` (Machines OpenAPI `Machines_list`, each
     * machine's `lease`: owner, description, expires_at), in one read where fly-go's flaps
     * `FindLease` reads one machine's (GET .../lease, `MachineLease` {status, data}). flyctl
     * leases every machine it rolls out before touching any (deploy plan.go `acquireLeases`). */
    async leasedMachines() {
        const { body } = await this.call('GET', `${this.appPath}/machines?include_leases=true`);
        if (!Array.isArray(body))
            throw new Error('Fly Machines API answered without a machine list');
        const leased = [];
        for (const item of body) {
            const machine = parseMachine(item);
            const lease = asRecord(asRecord(item)?.lease);
            const expiresAt = lease?.expires_at;
            // Fly lists only the lease it holds now: no clock of ours judges its expiry.
            if (!isAppMachine(machine) || typeof expiresAt !== 'number')
                continue;
            const owner = typeof lease?.owner === 'string' && lease.owner !== '' ? lease.owner : 'someone';
            const why = typeof lease?.description === 'string' ? lease.description : '';
            leased.push(`machine ${machine.id} leased by ${owner}${why === '' ? '' : ` ("${why}")`} until ` +
                new Date(expiresAt * 1000).toISOString());
        }
        return leased;
    }
    async getMachine(id) {
        await this.pacer.take(`${id}:get`);
        return parseMachine((await this.call('GET', this.machinePath(id))).body);
    }
    /** Starts the clock of the rollback's budget; later calls (more attempts) keep it. */
    startRollbackBudget() {
        this.rollbackEndsAt ??= this.timing.now() + this.timing.rollbackBudgetMs;
    }
    /** Takes the machine's lease, waiting while someone else holds it as long as the rollback's
     * budget allows (lease-wait.ts); the nonce. */
    async lease(id, ttlSeconds) {
        const budgetEndsAt = this.rollbackEndsAt ?? this.timing.now() + this.timing.rollbackBudgetMs;
        for (let attempt = 1;; attempt += 1) {
            await this.pacer.take(`${id}:lease`);
            try {
                const response = await this.call('POST', `${this.machinePath(id)}/lease`, {
                    body: { ttl: ttlSeconds, description: this.leaseDescription },
                });
                const nonce = leaseNonce(response.body, id);
                this.heldLeases.set(id, nonce);
                return nonce;
            }
            catch (error) {
                const held = error instanceof errors/* HttpError */.j$ && error.status === 409;
                if (!held) {
                    if (!(error instanceof errors/* HttpError */.j$) || error.status < 400 || error.status >= 500) {
                        this.uncertainLeases.add(id);
                    }
                    throw error;
                }
                // Held by us when an earlier grant's answer was lost (timeout, garbled body).
                const own = this.heldLeases.get(id) ??
                    (this.uncertainLeases.has(id) ? await this.ownLeaseNonce(id) : undefined);
                if (own !== undefined)
                    return own;
                const holder = await this.leaseHolder(id);
                const wait = decideLeaseWait({
                    now: this.timing.now(),
                    budgetEndsAt,
                    reserveMs: this.timing.leaseReserveMs,
                    holderExpiresAt: holder?.expiresAtMs,
                    attempt,
                    maxAttempts: this.timing.leaseAttempts,
                    retryMs: this.timing.leaseRetryMs,
                });
                if (wait.kind === 'give-up')
                    throw new Error(leaseHeldMessage(id, holder, wait.leftMs));
                await this.timing.sleep(wait.ms);
            }
        }
    }
    async releaseLease(id, nonce) {
        await this.pacer.take(`${id}:lease`);
        await this.call('DELETE', `${this.machinePath(id)}/lease`, {
            headers: { 'fly-machine-lease-nonce': nonce },
        });
        this.heldLeases.delete(id);
    }
    /** Replaces the machine's whole config (Fly does not merge); the machine as answered. */
    async update(id, config, nonce, skipLaunch = false) {
        await this.pacer.take(`${id}:update`);
        const response = await this.call('POST', this.machinePath(id), {
            // skip_launch: updated but left stopped, as flyctl does with a machine not running.
            body: skipLaunch ? { config, skip_launch: true } : { config },
            headers: { 'fly-machine-lease-nonce': nonce },
        });
        return parseMachine(response.body);
    }
    async create(config, region) {
        const response = await this.call('POST', `${this.appPath}/machines`, {
            body: { config, region },
        });
        return parseMachine(response.body);
    }
    /** Puts a cordoned machine back in the proxy's rotation. */
    async uncordon(id, nonce) {
        await this.pacer.take(`${id}:uncordon`);
        await this.call('POST', `${this.machinePath(id)}/uncordon`, {
            headers: { 'fly-machine-lease-nonce': nonce },
        });
    }
    /** Starts a stopped machine. */
    async start(id, nonce) {
        await this.pacer.take(`${id}:start`);
        await this.call('POST', `${this.machinePath(id)}/start`, {
            headers: { 'fly-machine-lease-nonce': nonce },
        });
    }
    /** Destroys a machine, stopping it if it runs; one already gone counts as destroyed. */
    async destroy(id, nonce) {
        await this.pacer.take(`${id}:destroy`);
        try {
            await this.call('DELETE', `${this.machinePath(id)}?force=true`, {
                headers: { 'fly-machine-lease-nonce': nonce },
            });
        }
        catch (error) {
            if (!(error instanceof errors/* HttpError */.j$ && error.status === 404))
                throw error;
        }
        this.heldLeases.delete(id);
    }
    /** Waits until the machine's `instanceId` is started; Fly answers 408 when its own wait
     * ran out, so that repeats until `deadline` (clock of `timing.now`). */
    async waitStarted(id, instanceId, deadline, justCreated = false) {
        await this.waitState(id, instanceId, ['started'], deadline, justCreated);
    }
    /** Like `waitStarted`, for any of `states` (the wait takes them repeated). A machine just
     * created may answer 404 for a moment: "not visible yet", waited out as flyctl does
     * (internal/machine/leasable_machine.go `WaitForState` with `WithJustCreated`). */
    async waitState(id, instanceId, states, deadline, justCreated = false) {
        const seconds = this.timing.waitRequestSeconds;
        const query = new URLSearchParams({ version: instanceId, timeout: String(seconds) });
        for (const state of states)
            query.append('state', state);
        const maxRequests = Math.ceil((deadline - this.timing.now()) / (seconds * 1000)) + 1;
        for (let count = 0; count < Math.max(1, maxRequests); count += 1) {
            await this.pacer.take(`${id}:wait`);
            try {
                await this.call('GET', `${this.machinePath(id)}/wait?${query.toString()}`, {
                    timeoutMs: (seconds + 15) * 1000,
                });
                return;
            }
            catch (error) {
                const notVisibleYet = justCreated && error instanceof errors/* HttpError */.j$ && error.status === 404;
                if (!(error instanceof errors/* HttpError */.j$ && error.status === 408) && !notVisibleYet)
                    throw error;
                if (notVisibleYet)
                    await this.timing.sleep(this.timing.leaseRetryMs);
            }
            if (this.timing.now() >= deadline)
                break;
        }
        throw new Error(`machine ${id} did not reach '${states.join("' or '")}' in time`);
    }
    /** Earlier configs of a machine, newest first. */
    async versions(id) {
        await this.pacer.take(`${id}:versions`);
        const { body } = await this.call('GET', `${this.machinePath(id)}/versions`);
        if (!Array.isArray(body))
            throw new Error('Fly Machines API answered without a version list');
        const versions = [];
        for (const item of body) {
            const entry = asRecord(item);
            const config = asRecord(entry?.user_config);
            if (entry === undefined || config === undefined)
                continue;
            versions.push({ version: typeof entry.version === 'string' ? entry.version : '', config });
        }
        // Version ids are ULIDs: sorting them sorts by time.
        return versions.sort((a, b) => (a.version < b.version ? 1 : a.version > b.version ? -1 : 0));
    }
    /** Who holds the lease on `id` and until when, if Fly says. */
    async leaseHolder(id) {
        const data = await this.readLease(id);
        const expiresAt = data?.expires_at;
        if (typeof expiresAt !== 'number')
            return undefined;
        return {
            owner: typeof data?.owner === 'string' ? data.owner : 'someone',
            description: typeof data?.description === 'string' ? data.description : '',
            expiresAtMs: expiresAt * 1000,
        };
    }
    /** The nonce of the lease held on `id` when this client took it, else undefined. */
    async ownLeaseNonce(id) {
        const data = await this.readLease(id);
        const nonce = data?.nonce;
        return data?.description === this.leaseDescription && typeof nonce === 'string' && nonce !== ''
            ? nonce
            : undefined;
    }
    /** The lease on `id` as Fly shows it (wrapped in `data` or not); undefined when unreadable. */
    async readLease(id) {
        let body;
        try {
            ({ body } = await this.call('GET', `${this.machinePath(id)}/lease`));
        }
        catch {
            return undefined;
        }
        return asRecord(asRecord(body)?.data) ?? asRecord(body);
    }
    machinePath(id) {
        return `${this.appPath}/machines/${encodeURIComponent(id)}`;
    }
}
/** Names who holds the lease, what for, and until when, and how to end it. */
function leaseHeldMessage(id, holder, leftMs) {
    const held = holder === undefined
        ? 'someone else (another deploy or `fly` command?), and Fly does not say until when; ' +
            'still held after every try'
        : `${holder.owner}${holder.description === '' ? '' : ` ("${holder.description}")`} ` +
            `until ${new Date(holder.expiresAtMs).toISOString()}, past the ` +
            `${Math.round(leftMs / 1000)} s the rollback's budget leaves to wait`;
    return (`machine ${id} is leased by ${held}; ` +
        `see \`fly machine leases view ${id}\`, and clear it with \`fly machine leases clear ${id}\` ` +
        'once nothing uses it');
}
/** Fly has answered leases with the nonce at the top level and wrapped in `data`. */
function leaseNonce(body, id) {
    const lease = asRecord(body);
    const nonce = lease?.nonce ?? asRecord(lease?.data)?.nonce;
    if (typeof nonce !== 'string' || nonce === '') {
        throw new Error(`Fly Machines API granted the lease of ${id} without a nonce`);
    }
    return nonce;
}

;// CONCATENATED MODULE: ./lib/platforms/fly/deploy-command.js
// `flyctl deploy` as the action runs it: the exact arguments, the environment that carries the
// token, the release line flyctl prints, and what each way of failing means for the app.

/** The image label that names the build after its commit (Docker tag characters only). */
function imageLabelFor(commit) {
    return `gd-${commit.slice(0, 12).replace(/[^A-Za-z0-9_.-]/g, '-')}`;
}
/** Arguments of `flyctl deploy`; never `--detach`: flyctl must wait for the machines. */
function deployArgs(command) {
    return [
        'deploy',
        '--app',
        command.app,
        '--config',
        command.flyConfig,
        '--remote-only',
        '--yes',
        ...(command.image === undefined
            ? ['--image-label', command.imageLabel]
            : ['--image', command.image]),
        ...command.extraArgs,
    ];
}
/** The last output line that is a release object, if any. */
function findReleaseLine(lines) {
    for (let index = lines.length - 1; index >= 0; index -= 1) {
        const text = lines[index]?.trim() ?? '';
        if (!text.startsWith('{'))
            continue;
        let parsed;
        try {
            parsed = JSON.parse(text);
        }
        catch {
            continue;
        }
        const entry = asRecord(parsed);
        const version = entry?.version;
        const imageRef = entry?.image_ref;
        if (typeof imageRef !== 'string' || imageRef === '')
            continue;
        if (typeof version !== 'number' || !Number.isInteger(version))
            continue;
        return { releaseId: typeof entry?.id === 'string' ? entry.id : '', version, imageRef };
    }
    return undefined;
}
/** Why flyctl stopped, in words, from its exit code as flyctl sets it (internal/cli/cli.go
 * `Run`: 1 any error, health and start timeouts included, 126 a deadline, 127 interrupted;
 * main.go: 3 a recovered panic) or from the action stopping it. */
function describeExit(exitCode, exitSignal, stoppedBy, timeoutMs) {
    if (stoppedBy === 'timeout') {
        return `did not finish within ${Math.round(timeoutMs / 60_000)} min and was stopped`;
    }
    if (stoppedBy === 'abort')
        return 'was stopped because the job was cancelled';
    switch (exitCode) {
        case 1:
            return ('failed (exit code 1: an error, which includes machines not starting or not passing ' +
                'their health checks within --wait-timeout)');
        case 3:
            return 'crashed (exit code 3: flyctl panicked)';
        case 126:
            return 'ran out of time (exit code 126: a deadline was exceeded)';
        case 127:
            return 'was interrupted (exit code 127)';
        case undefined:
            return `was killed by ${exitSignal ?? 'a signal'}`;
        default:
            return `failed (exit code ${exitCode})`;
    }
}

;// CONCATENATED MODULE: ./lib/platforms/fly/run-flyctl.js



const outputTailLines = 15;
/** Resolves with the release line flyctl printed (undefined: none) when it exits 0; else
 * throws a DeployError that says the machines may have changed. */
async function runFlyctlDeploy(run, what, log, deps) {
    const tail = new tail_buffer/* TailBuffer */.vX(outputTailLines);
    let releaseLine;
    const onLine = (line) => {
        log(line);
        if (line.trimStart().startsWith('{'))
            releaseLine = line;
        tail.push(line);
    };
    const controller = new AbortController();
    const unwatch = run.signal === undefined ? deps.watchSignals(controller) : follow(run.signal, controller);
    let result;
    try {
        result = await deps.runFlyctl(run.flyctlPath, run.args, {
            cwd: run.cwd,
            // The token only ever travels in the environment, never on the command line.
            env: {
                FLY_API_TOKEN: run.tokenEnvValue,
                // flyctl prefers FLY_ACCESS_TOKEN when set: make both say the same.
                FLY_ACCESS_TOKEN: run.tokenEnvValue,
                FLY_EMIT_RELEASE_JSON: '1',
                FLY_FLAPS_BASE_URL: run.flapsBaseUrl,
            },
            timeoutMs: run.timeoutMs,
            graceMs: run.graceMs,
            signal: controller.signal,
            onLine,
        });
    }
    catch (error) {
        throw new errors/* DeployError */.sH(`Could not run flyctl: ${(0,errors/* errorMessage */.gJ)(error)}`, false);
    }
    finally {
        unwatch();
    }
    if (result.exitCode !== 0 || result.stoppedBy !== undefined) {
        const lines = tail.lines();
        const last = lines.length > 0 ? `\nLast flyctl output:\n${lines.join('\n')}` : '';
        // flyctl's own words first: its last `Error:` line is what a person needs to read; the
        // gloss of a plain exit 1 only stands in for it when flyctl said nothing.
        const said = lines.findLast((line) => /^\s*Error:?\s/.test(line))?.trim();
        const why = said !== undefined && result.exitCode === 1 && result.stoppedBy === undefined
            ? 'failed (exit code 1)'
            : describeExit(result.exitCode, result.exitSignal, result.stoppedBy, run.timeoutMs);
        throw new errors/* DeployError */.sH(`flyctl deploy of ${what} ${why}${said === undefined ? '' : `: ${said}`}\n` +
            'Machines may have changed: a failed rolling deploy leaves some on the new image, ' +
            'a failed canary can leave its machine behind.' +
            last, true, { title: 'flyctl output', lines });
    }
    return findReleaseLine(releaseLine === undefined ? [] : [releaseLine]);
}
/** Aborts `controller` with `signal`; returns how to stop following it. */
function follow(signal, controller) {
    const onAbort = () => controller.abort(signal.reason);
    if (signal.aborted)
        onAbort();
    else
        signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
}

;// CONCATENATED MODULE: ./lib/platforms/kit/outcome.js
// One rule for both adapters: after a write (a POST that creates or changes something) whose
// answer could not be read, may the platform have acted on it?

/**
 * Only a 4xx answer says the platform did not act. A 2xx says it did, even when its body is
 * garbled or cut (the status is sent after the work); a 5xx, a 3xx or no answer at all
 * leaves it open. So the caller must read the platform's state before writing again.
 *
 * Why it matters: neither platform folds a repeated create into the first. Heroku makes a new
 * release or build for every `POST /apps/{app}/releases` and `POST /apps/{app}/builds` (Platform
 * API schema, release "Rollback" and build "Create" links: no idempotency key); Fly makes a new
 * machine, with a generated name, for every `POST /v1/apps/{app}/machines` (Machines API docs,
 * "Create a Machine": `name` optional). Sending it again on a wrong "it did not act" does the
 * work twice.
 */
function platformMayHaveActed(error) {
    return !(error instanceof errors/* HttpError */.j$ && error.status >= 400 && error.status < 500);
}

;// CONCATENATED MODULE: ./lib/platforms/fly/restore.js
// A Fly rollback through the Machines API, one machine at a time: each machine leased,
// updated with a whole config, waited for until it started and its checks pass, released.




class MachineRestorer {
    api;
    deps;
    appMachines;
    /** Saved machine id → the machine an earlier attempt recreated it as: a later attempt takes
     * that one as the restored machine instead of recreating it again or destroying it. */
    recreated = new Map();
    constructor(api, deps, 
    /** The app machines now (helpers such as release commands left out). */
    appMachines) {
        this.api = api;
        this.deps = deps;
        this.appMachines = appMachines;
    }
    /** Each saved machine back on its own config, then the deploy's extra machines gone; one
     * machine at a time. The failures, one per machine. */
    async restoreSaved(before, current, log) {
        const failures = [];
        for (const old of before) {
            const now = current.find((machine) => machine.id === old.id);
            const again = current.find((machine) => machine.id === this.recreated.get(old.id));
            try {
                if (now === undefined && again !== undefined && sameImage(again, old)) {
                    await this.awaitServing(again, log);
                    log(`${old.id} (${old.region}): recreated as ${again.id} by an earlier attempt, kept`);
                    continue;
                }
                if (old.incompleteConfig === true || now?.incompleteConfig === true) {
                    // Only a partial config is known: sending it (or recreating from it) would lose the
                    // rest, so the machine is left as it is and named.
                    if (now !== undefined && now.instanceId === old.instanceId && sameImage(now, old)) {
                        log(`${old.id} (${old.region}): untouched by the deploy, kept (its host is unreachable)`);
                        continue;
                    }
                    throw new Error('its host is unreachable and its config could not be read: not restored');
                }
                if (now === undefined) {
                    await this.recreate(old, [...before, ...current], log);
                }
                else if (now.instanceId === old.instanceId && sameImage(now, old)) {
                    await this.bringBack(now, old, log);
                }
                else {
                    // A machine that was not running goes back stopped, as flyctl updates it.
                    const launch = ['started', 'starting', 'replacing'].includes(old.state);
                    await this.restoreMachine(now, old.config, (after) => sameImage(after, old), log, launch);
                }
            }
            catch (error) {
                log(`${old.id} (${old.region}): ${(0,errors/* errorMessage */.gJ)(error)}`);
                failures.push(`${old.id}: ${(0,errors/* errorMessage */.gJ)(error)}`);
            }
        }
        const known = new Set([...before.map((machine) => machine.id), ...this.recreated.values()]);
        const extras = current.filter((machine) => !known.has(machine.id));
        // Never destroy what could not be read.
        for (const unread of extras.filter((machine) => machine.incompleteConfig)) {
            failures.push(`${unread.id}: its host is unreachable; kept, not destroyed`);
        }
        if (failures.length > 0 && extras.length > 0) {
            // A machine did not come back: the deploy's machines may be all that serves now.
            log(`Keeping ${extras.map((machine) => machine.id).join(', ')} until every machine is back`);
            return failures;
        }
        for (const extra of extras.filter((machine) => !machine.incompleteConfig)) {
            try {
                await this.destroyMachine(extra, log);
            }
            catch (error) {
                failures.push(`destroying ${extra.id}: ${(0,errors/* errorMessage */.gJ)(error)}`);
            }
        }
        return failures;
    }
    /** A machine on its saved config that bluegreen's late phase cordoned or stopped (flyctl
     * strategy_bluegreen.go `CordonBlueMachines`, `StopBlueMachines`): back in rotation and
     * started when it served before, its checks passing, before any deploy machine goes. */
    async bringBack(now, old, log) {
        const wasRunning = ['started', 'starting', 'replacing'].includes(old.state);
        const stopped = wasRunning && now.state !== 'started';
        if (!now.cordoned && !stopped) {
            log(`${old.id} (${old.region}): untouched by the deploy, kept`);
            return;
        }
        const ttlSeconds = Math.ceil(this.deps.machineWaitMs / 1000) + 60;
        const nonce = await this.api.lease(now.id, ttlSeconds);
        try {
            if (now.cordoned)
                await this.api.uncordon(now.id, nonce);
            if (stopped) {
                await this.api.start(now.id, nonce);
                await this.api.waitStarted(now.id, now.instanceId, this.deps.now() + this.deps.machineWaitMs);
                await this.waitChecksPassing(await this.api.getMachine(now.id), log);
            }
            log(`${old.id} (${old.region}): back in service (was ${now.cordoned ? 'cordoned, ' : ''}${now.state})`);
        }
        finally {
            try {
                await this.api.releaseLease(now.id, nonce);
            }
            catch (error) {
                log(`Could not release the lease of ${now.id}: ${(0,errors/* errorMessage */.gJ)(error)}`);
            }
        }
    }
    /** Every machine onto `target`, with the config found for it in its history when there is
     * one, else its current config with the target image. */
    async moveTo(target, configs, current, log) {
        const failures = [];
        for (const machine of current) {
            const config = configs[machine.id] ?? { ...machine.config, image: target.id };
            try {
                await this.restoreMachine(machine, config, (after) => runsRelease(after, target, undefined) || after.configImage === imageOfConfig(config), log);
            }
            catch (error) {
                log(`${machine.id} (${machine.region}): ${(0,errors/* errorMessage */.gJ)(error)}`);
                failures.push(`${machine.id}: ${(0,errors/* errorMessage */.gJ)(error)}`);
            }
        }
        return failures;
    }
    /** Lease, update with the whole config, wait for the new instance to start, check what it
     * runs, release the lease. */
    async restoreMachine(machine, config, isRestored, log, launch = true) {
        const ttlSeconds = Math.ceil(this.deps.machineWaitMs / 1000) + 60;
        const nonce = await this.api.lease(machine.id, ttlSeconds);
        try {
            const updated = await this.updateOnce(machine, config, nonce, log, !launch);
            const deadline = this.deps.now() + this.deps.machineWaitMs;
            const states = launch ? ['started'] : ['stopped', 'suspended'];
            await this.api.waitState(machine.id, updated.instanceId, states, deadline);
            const after = await this.api.getMachine(machine.id);
            if (!isRestored(after)) {
                throw new Error(`${after.state}, but runs ${displayImage(after)} instead`);
            }
            if (launch)
                await this.waitChecksPassing(after, log);
            log(`${machine.id} (${machine.region}): ${after.state} on ${displayImage(after)}`);
        }
        finally {
            try {
                await this.api.releaseLease(machine.id, nonce);
            }
            catch (error) {
                log(`Could not release the lease of ${machine.id} (it expires in ${ttlSeconds} s): ` +
                    (0,errors/* errorMessage */.gJ)(error));
            }
        }
    }
    /** The update, repeated only when a re-read shows the first one was not applied. */
    async updateOnce(machine, config, nonce, log, skipLaunch = false) {
        for (let attempt = 1;; attempt += 1) {
            try {
                return await this.api.update(machine.id, config, nonce, skipLaunch);
            }
            catch (error) {
                if (!platformMayHaveActed(error))
                    throw error;
                const seen = await this.api.getMachine(machine.id);
                if (seen.instanceId !== machine.instanceId) {
                    const wanted = imageOfConfig(config);
                    if (seen.configImage === wanted)
                        return seen;
                    if (seen.digest !== undefined && seen.digest === digestOf(wanted))
                        return seen;
                    throw new Error(`changed by someone else meanwhile (now ${displayImage(seen)})`, {
                        cause: error,
                    });
                }
                if (attempt >= 2)
                    throw error;
                log(`${machine.id}: the update was not applied (${(0,errors/* errorMessage */.gJ)(error)}); sending it again`);
            }
        }
    }
    /** Until the machine's checks all pass: only then does the proxy send it traffic, so the
     * next machine is touched (or the deploy's machines destroyed) only after it can serve. */
    async waitChecksPassing(machine, log) {
        if (declaredChecks(machine.config) === 0)
            return;
        const passing = (seen) => seen.checks.filter((check) => check.status === 'passing').length;
        const polled = await (0,poll/* pollUntil */.g)(() => this.api.getMachine(machine.id), (seen) => seen.checks.length > 0 && passing(seen) === seen.checks.length, this.deps, {
            intervalsMs: this.deps.pollIntervalsMs.slice(0, 1),
            maxPolls: this.deps.maxPolls,
            timeoutMs: this.deps.machineWaitMs,
        }, {
            first: { value: machine },
            onWait: (waits) => {
                if (waits === 0)
                    log(`${machine.id} (${machine.region}): waiting for its checks to pass`);
            },
        });
        if (!polled.done) {
            const seen = polled.value;
            throw new Error(`started, but its checks are not passing (${passing(seen)}/${seen.checks.length})`);
        }
    }
    /** A saved machine the deploy destroyed (blue-green) comes back with its config. */
    async recreate(old, known, log) {
        let created;
        try {
            created = await this.api.create(old.config, old.region);
        }
        catch (error) {
            if (!platformMayHaveActed(error))
                throw error;
            // Never created twice: look for the one the lost answer would have named, which is none
            // of the machines known before nor one this rollback recreated for another saved one.
            const ids = new Set([...known.map((machine) => machine.id), ...this.recreated.values()]);
            const adopted = (await this.appMachines()).find((machine) => !ids.has(machine.id) &&
                machine.region === old.region &&
                machine.configImage === old.configImage);
            if (adopted === undefined)
                throw error;
            created = adopted;
        }
        this.recreated.set(old.id, created.id);
        const after = await this.awaitServing(created, log);
        if (!sameImage(after, old))
            throw new Error(`recreated as ${created.id} on the wrong image`);
        log(`${old.id} (${old.region}): was destroyed by the deploy; recreated as ${created.id}`);
    }
    /** A machine just created (a 404 means not visible yet) until it started and its checks
     * pass; the machine as last read. */
    async awaitServing(machine, log) {
        const deadline = this.deps.now() + this.deps.machineWaitMs;
        await this.api.waitStarted(machine.id, machine.instanceId, deadline, true);
        const after = await this.api.getMachine(machine.id);
        await this.waitChecksPassing(after, log);
        return after;
    }
    async destroyMachine(machine, log) {
        let nonce;
        try {
            nonce = await this.api.lease(machine.id, 60);
        }
        catch (error) {
            if (error instanceof errors/* HttpError */.j$ && error.status === 404)
                return;
            throw error;
        }
        await this.api.destroy(machine.id, nonce);
        // Fly destroys asynchronously (destroying, then destroyed): said only once it is gone. The
        // Machines API wait takes `destroyed` (OpenAPI Machines_wait); a 404 means gone already.
        try {
            const deadline = this.deps.now() + this.deps.machineWaitMs;
            await this.api.waitState(machine.id, machine.instanceId, ['destroyed'], deadline);
        }
        catch (error) {
            if (!(error instanceof errors/* HttpError */.j$ && error.status === 404))
                throw error;
        }
        log(`${machine.id} (${machine.region}): created by the deploy, destroyed`);
    }
}

;// CONCATENATED MODULE: ./lib/platforms/fly/release-from-machines.js

/**
 * The machines of this deploy: the build's `--image-label` as their tag, or its commit as the
 * `GH_SHA` label flyctl adds inside GitHub Actions (deploy_build.go), or the `--image` given.
 * None, or every machine still on the image it had before: flyctl changed nothing.
 */
function releaseFromMachines(machines, before, hint, image) {
    const ours = machines.filter((machine) => (hint.imageLabel !== undefined && machine.tag === hint.imageLabel) ||
        machine.labels.GH_SHA === hint.commit ||
        (image !== undefined && machine.configImage === image));
    const unchanged = machines.every((machine) => {
        const old = before.find((item) => item.id === machine.id);
        return old !== undefined && sameImage(machine, old);
    });
    if (ours.length === 0 || (unchanged && before.length > 0)) {
        return {
            problem: 'flyctl exited 0 but changed nothing: no machine runs this build ' +
                `(${hint.imageLabel ?? image ?? hint.commit.slice(0, 12)}), and it printed no release line`,
        };
    }
    return { release: releaseOf(ours) };
}

;// CONCATENATED MODULE: ./lib/platforms/fly/serving.js
// Which Fly machines must be serving after a deploy, and whether one is fine: the verdict on
// one machine, given what it was before the deploy. Pure, over parsed machines.
//
// Real Fly leaves machines that are not meant to run alone: flyctl updates stopped, suspended
// and standby machines without starting them (flyctl machines_launchinput.go
// `shouldSkipLaunch`), the proxy stops idle machines of services with `auto_stop_machines` and
// starts them on request, and standbys sit in `created`. flyctl waits for no check when a
// machine declares none (internal/machine/leasable_machine.go `WaitForHealthchecksToPass`).

/** States a machine stays in until something acts on it (Fly's machine states doc). */
const restingStates = new Set([
    'started',
    'stopped',
    'suspended',
    'failed',
    'created',
]);
const runningStates = new Set(['started', 'starting', 'replacing']);
const notRunningStates = new Set(['stopped', 'suspended', 'created']);
const fine = { ok: true, problem: undefined };
const notFine = (problem) => ({ ok: false, problem });
/**
 * A machine after a deploy of a release it should run (`onRelease` says if it does):
 * - started: fine when every declared check passes, or when it declares none;
 * - stopped, suspended or created: fine when it stopped cleanly and was not meant to serve
 *   (not running before the deploy, a standby), or its service stops idle machines anyway;
 * - failed, or its last run ended with a non-zero exit it was not asked for: not fine;
 * - anything else is on its way somewhere: not yet.
 * `before` is the machine as the snapshot saw it, undefined for a machine the deploy made.
 */
function judgeMachine(machine, onRelease, before) {
    if (machine.incompleteConfig) {
        return notFine('its host is unreachable: Fly answers with an incomplete config');
    }
    if (!onRelease)
        return notFine('not on the release');
    if (machine.state === 'started')
        return judgeChecks(machine);
    if (machine.state === 'failed')
        return notFine('failed');
    if (!notRunningStates.has(machine.state))
        return notFine(`still ${machine.state}`);
    const exit = machine.lastExit;
    if (exit !== undefined && !exit.requestedStop && exit.exitCode !== 0) {
        return notFine(`exited with code ${exit.exitCode ?? 'unknown'}`);
    }
    if (meantToServe(machine, before) && !stopsWhenIdle(machine)) {
        return notFine(`${machine.state}, but it was serving before the deploy`);
    }
    return fine;
}
/** Running before the deploy, or made by it and not a standby. */
function meantToServe(machine, before) {
    if (before !== undefined)
        return runningStates.has(before.state);
    return !isStandby(machine);
}
function isStandby(machine) {
    const standbys = machine.config.standbys;
    return Array.isArray(standbys) && standbys.length > 0;
}
/** A service with `autostop` on: Fly's proxy stops it when idle and starts it on request. */
function stopsWhenIdle(machine) {
    const services = Array.isArray(machine.config.services) ? machine.config.services : [];
    return services.some((service) => {
        const autostop = service?.autostop;
        return autostop === 'stop' || autostop === 'suspend' || autostop === true;
    });
}
/** Started: every declared check passing (at least one result), or no check declared. */
function judgeChecks(machine) {
    if (declaredChecks(machine.config) === 0)
        return fine;
    const total = machine.checks.length;
    const passing = machine.checks.filter((check) => check.status === 'passing').length;
    if (total === 0)
        return notFine('started, no check result yet');
    return passing === total ? fine : notFine(`checks ${passing}/${total} passing`);
}

;// CONCATENATED MODULE: ./lib/platforms/fly/crash.js
function machineCrash(machine) {
    const name = `machine ${machine.id} (${machine.region})`;
    if (machine.state === 'failed')
        return `${name} failed`;
    const exit = machine.lastExit;
    if (exit === undefined || exit.requestedStop || exit.exitCode === 0 || !exit.sinceUpdate) {
        return undefined;
    }
    return `${name} crashed: exit ${exit.exitCode ?? 'unknown'}`;
}

;// CONCATENATED MODULE: ./lib/platforms/fly/logs.js
// The app's own last lines through Fly's logs API, the one `fly logs --no-tail` reads:
// flyctl logs/polling.go `Poll` → fly-go resource_logs.go `GetAppLogs` (v0.9.6):
// GET {base}/api/v1/apps/{app}/logs?next_token= with tokens.BubblegumHeader() (the same
// `FlyV1`/`Bearer` header as the Machines API); JSON:API `data[].attributes` {timestamp,
// message, level, instance, region}. Kept to the machines of the release.


/** The logs API lives on api.fly.io when the Machines API is the public one: flyctl has two
 * bases, FLY_API_BASE_URL (default https://api.fly.io, internal/config/config.go; fly-go's
 * baseURL, which GetAppLogs uses) and FLY_FLAPS_BASE_URL (default https://api.machines.dev,
 * flyctl/flyctl.go), and asks for logs on the first. Any other `api-url` (a proxy, the
 * simulator) is taken to serve both. */
function flyLogsBase(apiUrl) {
    const url = new URL(apiUrl);
    return url.hostname === 'api.machines.dev' ? 'https://api.fly.io' : url.origin;
}
async function flyAppLogs(spec, deps, instances, maxLines, deadlineMs) {
    const client = createApiClient({
        baseUrl: flyLogsBase(spec.apiUrl),
        service: 'Fly logs API',
        userAgent: spec.userAgent,
        apiHeaders: { authorization: spec.authorization, accept: 'application/json' },
        debugPrefix: 'fly logs',
    }, deps);
    try {
        const path = `/api/v1/apps/${encodeURIComponent(spec.app)}/logs?next_token=`;
        const answer = await client.request('GET', path, { timeoutMs: deadlineMs });
        const tail = new tail_buffer/* TailBuffer */.vX(maxLines);
        for (const entry of entriesOf(answer.body)) {
            if (instances.length > 0 && !instances.includes(entry.instance))
                continue;
            tail.push(`${entry.timestamp} ${entry.instance} ${entry.region} [${entry.level}] ${entry.message}`);
        }
        return [...tail.lines()];
    }
    finally {
        await client.close();
    }
}
function entriesOf(body) {
    const data = typeof body === 'object' && body !== null && 'data' in body ? body.data : [];
    if (!Array.isArray(data))
        return [];
    return data.map((item) => {
        const attributes = typeof item === 'object' && item !== null && 'attributes' in item ? item.attributes : {};
        const field = (name) => {
            const value = typeof attributes === 'object' && attributes !== null
                ? attributes[name]
                : undefined;
            return typeof value === 'string' ? value : '';
        };
        return {
            timestamp: field('timestamp'),
            message: field('message'),
            level: field('level'),
            instance: field('instance'),
            region: field('region'),
        };
    });
}

;// CONCATENATED MODULE: ./lib/platforms/fly/fly.js
// Fly.io: deploys with flyctl (the only supported way to build and roll out a Fly Launch app),
// reads and judges the machines through the Machines API, and rolls back by putting every
// machine back on the config it had before the deploy, through the Machines API.















const defaultFlyDeps = {
    ...defaultApiClientDeps,
    pollIntervalsMs: [1_000, 2_000, 3_000, 5_000],
    maxPolls: 1_000,
    deployTimeoutMs: 60 * 60_000,
    // The runner kills the job 7.5 s after its SIGINT: leave flyctl most of that.
    stopGraceMs: 5_000,
    machineWaitMs: 5 * 60_000,
    waitRequestSeconds: 60,
    leaseAttempts: 5,
    leaseRetryMs: 3_000,
    // GitHub force-ends a cancelled job 5 minutes after the cancellation (workflow cancellation
    // reference): the post step's rollback has that long, less a minute to verify and report.
    rollbackBudgetMs: 4 * 60_000,
    leaseReserveMs: 60_000,
    runFlyctl: (command, args, options) => (0,child_process/* startCli */.PO)(command, args, options).result,
    watchSignals: child_process/* abortOnProcessSignals */.Io,
};
/** `settings.fly` is undefined in the modes that run no flyctl (rollback, verify). */
function createFlyPlatform(settings, deps = {}) {
    return new FlyPlatform(settings, settings.fly, { ...defaultFlyDeps, ...deps });
}
class FlyPlatform {
    settings;
    deploy;
    deps;
    api;
    token;
    restorer;
    /** How to recognize the builds pushed by this run, by release id. */
    hints = new Map();
    /** The machines as the first snapshot saw them, by id: which were meant to serve. */
    before = new Map();
    constructor(settings, deploy, deps) {
        this.settings = settings;
        this.deploy = deploy;
        this.deps = deps;
        this.token = parseFlyToken(settings.apiToken);
        const client = createApiClient({
            // The paths carry the version, so a base URL given with `/v1` works too.
            baseUrl: settings.apiUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
            service: 'Fly Machines API',
            userAgent: settings.userAgent,
            apiHeaders: { authorization: this.token.authorization, accept: 'application/json' },
            debugPrefix: 'fly',
        }, deps);
        this.api = new FlyApi(client, settings.app, deps);
        this.restorer = new MachineRestorer(this.api, deps, () => this.appMachines());
    }
    async snapshot() {
        await this.api.requireApp();
        const machines = await this.appMachines();
        if (machines.length === 0) {
            throw new Error(`Fly app '${this.settings.app}' has no app machines: deploy it once with ` +
                '`fly deploy` so there is a release to come back to.');
        }
        if (this.before.size === 0)
            for (const machine of machines)
                this.before.set(machine.id, machine);
        const groups = groupByImage(machines);
        const current = releaseOf(groups[0] ?? []);
        const notices = [];
        if (groups.length > 1) {
            const mix = groups
                .map((group) => `${releaseOf(group).label} on ${group.map((item) => item.id).join('/')}`)
                .join(', ');
            notices.push(`The machines of ${this.settings.app} do not all run the same image before the ` +
                `deploy: ${mix}. A rollback puts each machine back on its own.`);
        }
        const unread = machines.filter((machine) => machine.incompleteConfig);
        if (unread.length > 0) {
            notices.push(`Fly cannot reach the host of ${unread.map((machine) => machine.id).join(', ')} and ` +
                'answers with an incomplete config: such a machine counts as not verified, and a ' +
                'rollback leaves it as it is.');
        }
        return {
            current,
            webUrl: `https://${this.settings.app}.fly.dev`,
            switchoverSeconds: 0,
            notices,
            restore: { kind: 'machines', target: current, machines: machines.map(savedMachine) },
        };
    }
    /** Waits until no app machine is on its way between states (a cancelled flyctl may have
     * left one starting or being replaced), so a rollback does not race it. */
    async settle(timeoutMs) {
        const polled = await (0,poll/* pollUntil */.g)(async () => (await this.appMachines()).filter((machine) => !restingStates.has(machine.state)), (busy) => busy.length === 0, this.deps, { intervalsMs: this.deps.pollIntervalsMs, maxPolls: this.deps.maxPolls, timeoutMs });
        if (!polled.done) {
            const list = polled.value.map((machine) => `${machine.id} is ${machine.state}`).join(', ');
            throw new Error(`Fly machines still changing after ${timeoutMs / 1000} s: ${list}`);
        }
    }
    async push(commit, log, signal) {
        if (this.deploy === undefined) {
            throw new errors/* DeployError */.sH('Fly deploy settings are missing: only the deploy mode pushes', false);
        }
        const short = commit.slice(0, 12);
        const imageLabel = imageLabelFor(commit);
        const args = deployArgs({
            app: this.settings.app,
            flyConfig: this.deploy.flyConfig,
            image: this.deploy.image,
            imageLabel,
            extraArgs: this.deploy.flyctlArgs,
        });
        log(`flyctl ${args.join(' ')}`);
        const reported = await runFlyctlDeploy({
            flyctlPath: this.deploy.flyctlPath,
            args,
            cwd: this.settings.sourceDir,
            tokenEnvValue: this.token.envValue,
            // flyctl's Machines API base (internal/config/config.go): the `api-url` input, so a
            // proxy or another endpoint applies to flyctl too; flyctl adds the /v1 itself.
            flapsBaseUrl: this.settings.apiUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
            timeoutMs: this.deps.deployTimeoutMs,
            graceMs: this.deps.stopGraceMs,
            signal,
        }, short, log, this.deps);
        const hint = {
            commit,
            imageLabel: this.deploy.image === undefined ? imageLabel : undefined,
        };
        let release;
        if (reported !== undefined) {
            release = { id: reported.imageRef, label: `v${reported.version}` };
        }
        else {
            log('flyctl printed no release line; reading the release from the machines');
            let read;
            try {
                const machines = await this.appMachines();
                read = releaseFromMachines(machines, [...this.before.values()], hint, this.deploy.image);
            }
            catch (error) {
                throw new errors/* DeployError */.sH(`flyctl deployed ${short} but its machines could not be read: ${(0,errors/* errorMessage */.gJ)(error)}`, true);
            }
            // Nothing deployed is not `deployed`: the live release is the one from before.
            if (read.problem !== undefined)
                throw new errors/* DeployError */.sH(read.problem, false);
            release = read.release;
        }
        this.hints.set(release.id, hint);
        log(`flyctl finished: ${release.label} (${release.id})`);
        return release;
    }
    /** Machines leased by someone else (api.ts `leasedMachines`): before the push this run
     * holds no lease. Seen once, the next snapshot reads the machines afresh. */
    async deploysInFlight() {
        const leased = await this.api.leasedMachines();
        if (leased.length > 0)
            this.before.clear();
        return leased;
    }
    /** The image the machines of `release` run, pinned by digest (`repo:tag@sha256:…`): what
     * `artifact` deploys elsewhere with `flyctl deploy --image`. Undefined unless they agree. */
    async artifactOf(release) {
        const hint = this.hints.get(release.id);
        const pinned = new Set((await this.appMachines())
            .filter((machine) => runsRelease(machine, release, hint))
            .map((machine) => machine.pinnedImage));
        const [only] = pinned;
        return pinned.size === 1 ? only : undefined;
    }
    async liveCommit() {
        return commitOfMachines(await this.appMachines());
    }
    async liveRelease() {
        return releaseOf(await this.appMachines());
    }
    /** Every app machine started, on `release`, its checks passing; read until so or time is
     * up: flyctl has reported success for machines that silently kept the old image. */
    async inspect(release, timeoutMs) {
        const polled = await (0,poll/* pollUntil */.g)(() => this.readReport(release), (report) => report.ok, this.deps, { intervalsMs: this.deps.pollIntervalsMs, maxPolls: this.deps.maxPolls, timeoutMs });
        return polled.value;
    }
    /** The last lines the machines of `release` printed, from Fly's logs API (logs.ts). */
    async recentLogs(release, maxLines, deadlineMs) {
        const hint = this.hints.get(release.id);
        const instances = (await this.appMachines())
            .filter((machine) => runsRelease(machine, release, hint))
            .map((machine) => machine.id);
        const spec = {
            apiUrl: this.settings.apiUrl,
            app: this.settings.app,
            authorization: this.token.authorization,
            userAgent: this.settings.userAgent,
        };
        return flyAppLogs(spec, this.deps, instances, maxLines, deadlineMs);
    }
    /** Machines of `release` that failed or exited non-zero on their own (crash.ts). */
    async crashedInstances(release) {
        const hint = this.hints.get(release.id);
        return (await this.appMachines())
            .filter((machine) => runsRelease(machine, release, hint))
            .flatMap((machine) => machineCrash(machine) ?? []);
    }
    async rollback(plan, log) {
        const { target } = plan;
        log(`Rolling back ${this.settings.app} to ${target.label} (${target.id}), machine by machine`);
        this.api.startRollbackBudget();
        const current = await this.appMachines();
        const failures = plan.kind === 'machines'
            ? await this.restorer.restoreSaved(plan.machines, current, log)
            : await this.restorer.moveTo(target, plan.kind === 'configs' ? plan.configs : {}, current, log);
        if (failures.length > 0) {
            throw new errors/* DeployError */.sH(`Rollback to ${target.label} failed: ${failures.join('; ')}. The app may be on mixed ` +
                `images: ${await this.describeMachines()}`, true);
        }
        const restored = releaseOf(await this.appMachines());
        log(`Machines are back on ${restored.label} (${restored.id})`);
        return restored;
    }
    /** `spec` as an image, or a release (`v3`) found on a machine or in the machines' config
     * history, with each machine's config for it; none: the image before the live one. */
    async resolveTarget(spec) {
        const machines = await this.appMachines();
        if (machines.length === 0)
            throw new Error(`Fly app '${this.settings.app}' has no machines`);
        const wanted = spec === undefined ? undefined : /^v(\d+)$/.exec(spec)?.[1];
        if (spec !== undefined && wanted === undefined)
            return this.knownImage(spec, machines);
        if (wanted !== undefined) {
            const live = machines.find((machine) => machine.metadata.fly_release_version === wanted);
            if (live !== undefined) {
                return { kind: 'release', target: { id: live.image, label: `v${wanted}` } };
            }
        }
        // Earlier releases live only in each machine's config history.
        const configs = {};
        let found;
        for (const machine of machines) {
            const versions = await this.api.versions(machine.id);
            const match = versions.find((version) => {
                const image = imageOfConfig(version.config);
                if (image === '')
                    return false;
                if (found !== undefined)
                    return image === found.id;
                return wanted === undefined
                    ? image !== machine.configImage
                    : releaseVersionOf(version.config) === wanted;
            });
            if (match === undefined)
                continue;
            const image = imageOfConfig(match.config);
            const version = releaseVersionOf(match.config);
            found ??= {
                id: image,
                label: version === undefined ? (tagOf(image) ?? image) : `v${version}`,
            };
            configs[machine.id] = { ...match.config };
        }
        if (found === undefined) {
            throw new Error(spec === undefined
                ? `Fly lists no earlier image for the machines of ${this.settings.app}: set ` +
                    '`to-release` to an image they have run or a release like v3'
                : `Fly lists no release ${spec} in the config history of the machines of ` +
                    `${this.settings.app}: set \`to-release\` to an image they have run instead`);
        }
        return { kind: 'configs', target: found, configs };
    }
    /** `to-release` as an image: only one the app has run (a machine's image now or in its
     * config history). A manual rollback is not an ungated deploy of an arbitrary image. */
    async knownImage(spec, machines) {
        const known = [];
        for (const machine of machines) {
            const history = (await this.api.versions(machine.id)).map((v) => imageOfConfig(v.config));
            for (const image of [machine.configImage, machine.image, ...history]) {
                if (image !== '' && !known.includes(image))
                    known.push(image);
            }
        }
        // The same image with or without its digest pinned (`repo:tag@sha256:…`).
        const matches = (image) => image === spec || image.split('@')[0] === spec || spec.split('@')[0] === image;
        if (known.some(matches)) {
            return { kind: 'release', target: { id: spec, label: tagOf(spec) ?? spec } };
        }
        throw new Error(`to-release ${spec} is no image the machines of ${this.settings.app} have run, so it ` +
            `would be an ungated deploy; known: ${known.slice(0, 5).join(', ')}`);
    }
    close() {
        return this.api.client.close();
    }
    async appMachines() {
        return (await this.api.listMachines()).filter(isAppMachine);
    }
    /** Each machine judged as one meant to serve or not (serving.ts), against the snapshot. */
    async readReport(release) {
        const machines = await this.appMachines();
        const hint = this.hints.get(release.id);
        const judged = machines.map((machine) => {
            const onRelease = runsRelease(machine, release, hint);
            const verdict = judgeMachine(machine, onRelease, this.before.get(machine.id));
            return { onRelease, verdict, instance: instanceOf(machine, verdict.ok) };
        });
        const instances = judged.map((entry) => entry.instance);
        if (instances.length === 0)
            return { ok: false, reason: 'no app machine exists', instances };
        const bad = judged.filter((entry) => !entry.verdict.ok);
        if (bad.length === 0) {
            const started = machines.filter((machine) => machine.state === 'started').length;
            return {
                ok: true,
                reason: `${instances.length} machine${instances.length === 1 ? '' : 's'} on ${release.label} ` +
                    `(${started} started), checks ` +
                    'passing where declared',
                instances,
            };
        }
        const reason = bad
            .map(({ instance, onRelease, verdict }) => {
            const what = onRelease ? '' : `, not on ${release.label}`;
            const checks = instance.checks === '-' ? 'none' : instance.checks;
            const why = onRelease ? ` (${verdict.problem ?? 'not fine'})` : '';
            return (`${instance.id} (${instance.region}) is ${instance.state} on ${instance.image}` +
                `${what}, checks ${checks}${why}`);
        })
            .join('; ');
        return { ok: false, reason, instances };
    }
    /** Each machine and the image it runs now, for an error message. */
    async describeMachines() {
        try {
            const machines = await this.appMachines();
            return machines
                .map((machine) => `${machine.id} (${machine.region}, ${machine.state}): ${machine.image}`)
                .join(', ');
        }
        catch (error) {
            return `(the machines could not be read: ${(0,errors/* errorMessage */.gJ)(error)})`;
        }
    }
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./lib/platforms/heroku/rate-limit.js
/** From here down the action slows to the refill pace. */
const LOW_REMAINING = 200;
/** One request's worth of refill: 60 s / 75. */
const REFILL_INTERVAL_MS = 800;
/** How long to wait after an answer that carried `remaining`; 0 when there is room. */
function rateLimitPauseMs(remaining) {
    if (remaining === undefined || !/^\d+$/.test(remaining.trim()))
        return 0;
    return Number(remaining) <= LOW_REMAINING ? REFILL_INTERVAL_MS : 0;
}
/** `call`, pausing after each answer as `rateLimitPauseMs` says. */
function pacedCall(call, sleep) {
    return async (method, path, options) => {
        const response = await call(method, path, options);
        const pauseMs = rateLimitPauseMs(response.headers['ratelimit-remaining']);
        if (pauseMs > 0)
            await sleep(pauseMs);
        return response;
    };
}

;// CONCATENATED MODULE: ./lib/platforms/heroku/api.js




const releasesRange = 'version ..; max=10, order=desc';
const maxReleasePages = 10;
class HerokuApi {
    client;
    app;
    call;
    appPath;
    constructor(client, app, sleep) {
        this.client = client;
        this.app = app;
        this.appPath = `/apps/${encodeURIComponent(app)}`;
        const call = callWithTokenHints(client, {
            refused: 'The Heroku API refused the token: check the `api-token` secret',
            forbidden: `The token has no access to this on ${app}: check the \`api-token\` secret`,
        });
        this.call = pacedCall(call, sleep);
    }
    /** The app; a 404 says to check the `app` input. */
    async getApp() {
        try {
            return requireObject((await this.call('GET', this.appPath)).body, 'app');
        }
        catch (error) {
            throw withAppNotFound(error, `Heroku app '${this.app}' not found: check the \`app\` input ` +
                '(this action never creates apps).');
        }
    }
    async prebootEnabled() {
        try {
            const response = await this.call('GET', `${this.appPath}/features/preboot`);
            return requireObject(response.body, 'app feature').enabled === true;
        }
        catch (error) {
            // An app without the feature listed simply has no preboot.
            if (error instanceof errors/* HttpError */.j$ && error.status === 404)
                return false;
            throw error;
        }
    }
    /** The release marked `current`, newest first, following Next-Range for a few pages. */
    async currentRelease() {
        const seen = await this.walkReleases((list) => list.some((release) => release.current));
        const current = seen.find((release) => release.current);
        if (current)
            return current;
        throw new Error(this.noCurrentRelease(seen.length));
    }
    noCurrentRelease(seen) {
        return `Heroku lists no current release for ${this.app} among its ${seen} latest`;
    }
    /** Releases newest first (`version ..; order=desc`), following Next-Range on a 206 until
     * `enough` or the last page, at most `maxReleasePages` pages. */
    async walkReleases(enough) {
        const seen = [];
        let range = releasesRange;
        for (let page = 0; page < maxReleasePages; page += 1) {
            const response = await this.call('GET', `${this.appPath}/releases`, {
                headers: { range },
            });
            if (!Array.isArray(response.body)) {
                throw new Error(`Heroku API answered GET ${this.appPath}/releases without a list`);
            }
            seen.push(...response.body.map((item) => parseRelease(item)));
            if (enough(seen))
                break;
            const next = response.headers['next-range'];
            if (response.status !== 206 || next === undefined || next === '')
                break;
            range = next;
        }
        return seen;
    }
    /** A release by id or version number. */
    async release(ref) {
        const response = await this.call('GET', `${this.appPath}/releases/${encodeURIComponent(ref)}`);
        return parseRelease(response.body);
    }
    async build(id) {
        const response = await this.call('GET', `${this.appPath}/builds/${encodeURIComponent(id)}`);
        return parseBuild(response.body);
    }
    /** A pending build among the latest, or a latest release still in its release phase. */
    async somethingInFlight() {
        const path = `${this.appPath}/builds`;
        const builds = await this.list(path, 'created_at ..; max=10, order=desc', parseBuild);
        if (builds.some((build) => build.status === 'pending'))
            return true;
        const releasesPath = `${this.appPath}/releases`;
        const latest = await this.list(releasesPath, 'version ..; max=1, order=desc', parseRelease);
        return latest[0]?.status === 'pending';
    }
    /** Builds pending among the latest and a latest release still pending (its release phase),
     * each named with who started it: another deploy in flight (schema: build and release
     * `status` `pending`, `user.email`). */
    async pendingDeploys() {
        const builds = await this.list(`${this.appPath}/builds`, 'created_at ..; max=10, order=desc', (item) => ({ build: parseBuild(item), by: startedBy(item), at: createdAt(item) }));
        const pending = builds
            .filter((entry) => entry.build.status === 'pending')
            .map((entry) => `build ${entry.build.id} by ${entry.by}${entry.at} is pending`);
        const releases = await this.list(`${this.appPath}/releases`, 'version ..; max=1, order=desc', (item) => ({ release: parseRelease(item), by: startedBy(item), at: createdAt(item) }));
        const latest = releases[0];
        if (latest?.release.status === 'pending') {
            pending.push(`release v${latest.release.version} by ${latest.by}${latest.at} is pending ` +
                '(its release phase runs)');
        }
        return pending;
    }
    /** The build made from `sourceUrl`, among the latest: every `POST /sources` gives a new URL,
     * so it names one build (schema: build `source_blob.url`). */
    async buildOfSource(sourceUrl) {
        const builds = await this.list(`${this.appPath}/builds`, 'created_at ..; max=10, order=desc', (item) => ({ item, url: requireObject(item, 'build').source_blob?.url }));
        const found = builds.find((build) => build.url === sourceUrl);
        return found === undefined ? undefined : parseBuild(found.item);
    }
    /** The latest builds, newest first, as the API gives them (see `commitOfRelease`). */
    async recentBuilds() {
        return this.list(`${this.appPath}/builds`, 'created_at ..; max=20, order=desc', (item) => item);
    }
    async dynos() {
        return (await this.call('GET', `${this.appPath}/dynos`)).body;
    }
    /** `POST /sources`: where to upload the archive and where the build fetches it. */
    async createSource() {
        const source = requireObject((await this.call('POST', '/sources')).body, 'source');
        const putUrl = source.source_blob?.put_url;
        const getUrl = source.source_blob?.get_url;
        if (typeof putUrl !== 'string' || typeof getUrl !== 'string') {
            throw new Error('Heroku API answered POST /sources without source_blob put/get URLs');
        }
        return { putUrl, getUrl };
    }
    async createBuild(sourceBlob) {
        const response = await this.call('POST', `${this.appPath}/builds`, {
            body: { source_blob: sourceBlob },
        });
        return parseBuild(response.body);
    }
    /** The "Rollback" link: a new release with the code and config of `releaseId`. */
    async createRollback(releaseId) {
        const response = await this.call('POST', `${this.appPath}/releases`, {
            body: { release: releaseId },
        });
        return parseRelease(response.body);
    }
    /** A release of `slugId` (the schema's release "Create" link; the slug may come from
     * another app of the account). */
    async createSlugRelease(slugId, description) {
        const response = await this.call('POST', `${this.appPath}/releases`, {
            body: { slug: slugId, description },
        });
        return parseRelease(response.body);
    }
    /** `slug.id` of a release; undefined when it runs none (Fir: an OCI image). */
    async releaseSlug(ref) {
        const response = await this.call('GET', `${this.appPath}/releases/${encodeURIComponent(ref)}`);
        const slug = requireObject(response.body, 'release').slug;
        const id = typeof slug === 'object' && slug !== null ? slug.id : '';
        return typeof id === 'string' && id !== '' ? id : undefined;
    }
    async list(path, range, parse) {
        const response = await this.call('GET', path, { headers: { range } });
        return Array.isArray(response.body) ? response.body.map((item) => parse(item)) : [];
    }
}
/** `user.email` of a build or release (schema: the user who started it), else `someone`. */
function startedBy(item) {
    const user = requireObject(item, 'build or release').user;
    const email = typeof user === 'object' && user !== null ? user.email : '';
    return typeof email === 'string' && email !== '' ? email : 'someone';
}
/** ` (created <time>)` when the API says. */
function createdAt(item) {
    const created = requireObject(item, 'build or release').created_at;
    return typeof created === 'string' && created !== '' ? ` (created ${created})` : '';
}

;// CONCATENATED MODULE: ./lib/platforms/heroku/build-words.js
// How the Heroku adapter words a wait that ran out and a failed build.
function stillPending(what, timeoutMs) {
    return new Error(`Heroku ${what} was still pending after ${Math.round(timeoutMs / 1000)} s`);
}
/** A failed build's own words: the lines Heroku buildpacks mark as errors with ` !`
 * (e.g. ` !     Push rejected, failed to compile Python app.` in heroku-buildpack-python's
 * spec outputs), the last few, on one line. */
function failingLines(tail) {
    const marked = tail
        .filter((line) => /^\s*!/.test(line))
        .map((line) => line.replace(/^\s*!\s*/, '').trim())
        .filter((line) => line !== '');
    return marked.slice(-3).join(' ');
}

;// CONCATENATED MODULE: ./lib/io/archive.js
// Packs exactly the committed tree of the source directory (never the working tree) into a
// .tar.gz for the platform's build, and measures it without reading it into memory.





// Local reads (rev-parse, cat-file) answer in milliseconds; the bound only catches a hung
// filesystem or a held lock, and a hung query should fail the run before it uploads.
const gitQueryTimeoutMs = 10_000;
// Large trees compress for a while; still bounded.
const gitArchiveTimeoutMs = 15 * 60_000;
async function createSourceArchive(sourceDir, commit, tempDir) {
    // An argument that starts with '-' would be read by git as an option.
    if (!/^[^\s:-][^\s:]*$/.test(commit)) {
        throw new Error(`'${commit}' is not a commit name git can archive`);
    }
    await requireDirectory(sourceDir);
    const topLevel = await gitTopLevel(sourceDir);
    const relativeDir = await relativeInside(topLevel, sourceDir);
    const sha = await resolveCommit(topLevel, commit);
    const treeish = relativeDir === '' ? sha : `${sha}:${relativeDir}`;
    // A resolved commit is always there; a subdirectory may not be part of it.
    if (relativeDir !== '')
        await requireTree(topLevel, treeish, relativeDir, commit);
    const archivePath = external_node_path_.join(tempDir, `source-${sha.slice(0, 12)}.tar.gz`);
    await git(topLevel, ['archive', '--format=tar.gz', '-o', archivePath, treeish], {
        timeoutMs: gitArchiveTimeoutMs,
    });
    const [sha256, info] = await Promise.all([sha256OfFile(archivePath), (0,external_node_fs_promises_.stat)(archivePath)]);
    return { path: archivePath, sizeBytes: info.size, sha256 };
}
/** Streams the file through SHA-256: archives can be hundreds of MB. */
async function sha256OfFile(filePath) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_.createReadStream)(filePath)) {
        hash.update(chunk);
    }
    return hash.digest('hex');
}
async function requireDirectory(dir) {
    let isDirectory = false;
    try {
        isDirectory = (await (0,external_node_fs_promises_.stat)(dir)).isDirectory();
    }
    catch {
        isDirectory = false;
    }
    if (!isDirectory)
        throw new Error(`Source directory ${dir} does not exist`);
}
async function gitTopLevel(sourceDir) {
    const result = await git(sourceDir, ['rev-parse', '--show-toplevel'], {
        ignoreReturnCode: true,
    });
    const top = result.stdout.trim();
    if (result.exitCode !== 0 || top === '') {
        throw new Error(`Source directory ${sourceDir} is not inside a git repository ` +
            `(check out the repository first): ${(0,child_process/* lastLines */.w$)(result.stderr, 3)}`);
    }
    return top;
}
/** The directory relative to the repository root, with '/' separators ('' for the root). */
async function relativeInside(topLevel, sourceDir) {
    // git reports the resolved path (macOS /tmp is /private/tmp): compare resolved paths.
    const [realTop, realDir] = await Promise.all([(0,external_node_fs_promises_.realpath)(topLevel), (0,external_node_fs_promises_.realpath)(sourceDir)]);
    const relative = external_node_path_.relative(realTop, realDir);
    if (relative.startsWith('..') || external_node_path_.isAbsolute(relative)) {
        throw new Error(`Source directory ${sourceDir} is outside the repository ${topLevel}`);
    }
    return relative.split(external_node_path_.sep).join('/');
}
async function resolveCommit(topLevel, commit) {
    const result = await git(topLevel, ['rev-parse', '--verify', '--quiet', `${commit}^{commit}`], {
        ignoreReturnCode: true,
    });
    const sha = result.stdout.trim();
    if (result.exitCode !== 0 || sha === '') {
        throw new Error(`Commit ${commit} is not in the repository at ${topLevel} ` +
            `(a shallow or partial checkout that does not contain it?)`);
    }
    return sha;
}
async function requireTree(topLevel, treeish, relativeDir, commit) {
    const result = await git(topLevel, ['cat-file', '-t', treeish], { ignoreReturnCode: true });
    if (result.exitCode !== 0 || result.stdout.trim() !== 'tree') {
        throw new Error(`Directory '${relativeDir}' is not in commit ${commit}: ` +
            `is the source directory committed?`);
    }
}
async function git(cwd, args, options) {
    try {
        return await (0,child_process/* runCli */.ak)('git', args, {
            cwd,
            silent: true,
            timeoutMs: options.timeoutMs ?? gitQueryTimeoutMs,
            ignoreReturnCode: options.ignoreReturnCode ?? false,
            // Never prompt, never page: the action runs unattended.
            env: { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
        });
    }
    catch (error) {
        if (error instanceof child_process/* CliError */.z1)
            throw new Error(`Packing the source failed: ${error.message}`);
        throw error;
    }
}

;// CONCATENATED MODULE: ./lib/platforms/heroku/build-start.js
// The start of a Heroku build: archive the commit, upload it, create the build; after a
// create whose answer was lost, the build found by its upload, or the create once more.




/** Between the two reads of the builds after a create got no clear answer: time for a
 * create the API was still handling to show in the list. */
const BUILD_LOOKUP_PAUSE_MS = 2_000;
/** Archive, upload, create the build. Failures here leave the live release as it was,
 * except when creating the build itself had an unknown outcome. */
async function startBuild(api, sleep, source) {
    const { commit, log } = source;
    const short = commit.slice(0, 12);
    let sha256;
    let getUrl;
    try {
        const archive = await createSourceArchive(source.sourceDir, commit, source.tempDir);
        sha256 = archive.sha256;
        log(`Packed ${short}: ${formatBytes(archive.sizeBytes)}, sha256 ${archive.sha256}`);
        const uploaded = await api.createSource();
        getUrl = uploaded.getUrl;
        await api.client.putFile(uploaded.putUrl, archive.path);
        log('Uploaded the source');
    }
    catch (error) {
        throw new errors/* DeployError */.sH(`Could not ship ${short} to Heroku: ${(0,errors/* errorMessage */.gJ)(error)}`, false);
    }
    const create = () => api.createBuild({ url: getUrl, checksum: `SHA256:${sha256}`, version: commit });
    try {
        const build = await create();
        log(`Build ${build.id} started`);
        return build;
    }
    catch (error) {
        if (!platformMayHaveActed(error))
            throw notStarted(short, error, false);
        log(`Starting the build got no clear answer (${(0,errors/* errorMessage */.gJ)(error)}); looking for it`);
        return recoverBuild(api, sleep, getUrl, create, short, log);
    }
}
/** The build made from this upload if Heroku made one (read twice, a moment apart), else the
 * create once more: read before repeating, so one upload never makes two builds. Each
 * `POST /sources` gives a new URL (schema: source `source_blob.get_url`), so it names one
 * build; Heroku makes a new build for every `POST /builds` (no idempotency key). */
async function recoverBuild(api, sleep, sourceUrl, create, short, log) {
    try {
        for (const pauseMs of [0, BUILD_LOOKUP_PAUSE_MS]) {
            if (pauseMs > 0)
                await sleep(pauseMs);
            const found = await api.buildOfSource(sourceUrl);
            if (found !== undefined) {
                log(`Build ${found.id} started (found by its upload)`);
                return found;
            }
        }
    }
    catch (error) {
        throw notStarted(short, error, true);
    }
    try {
        const build = await create();
        log(`No build of this upload was made; build ${build.id} started on a second request`);
        return build;
    }
    catch (error) {
        throw notStarted(short, error, platformMayHaveActed(error));
    }
}
function notStarted(short, error, mayHaveActed) {
    return new errors/* DeployError */.sH(`Could not start the Heroku build of ${short}: ${(0,errors/* errorMessage */.gJ)(error)}`, mayHaveActed);
}

;// CONCATENATED MODULE: ./lib/platforms/heroku/crash.js
/** `web.1 crashed` for each web dyno of `release` the dynos list shows crashed. */
function crashedDynos(body, release) {
    if (!Array.isArray(body))
        return [];
    return body
        .filter((item) => typeof item === 'object' && item !== null)
        .filter((dyno) => dyno.type === 'web' && dyno.release?.id === release.id)
        .filter((dyno) => dyno.state === 'crashed')
        .map((dyno) => `${dyno.name ?? dyno.id ?? 'a web dyno'} crashed`);
}

;// CONCATENATED MODULE: ./lib/platforms/heroku/logs.js

async function herokuAppLogs(client, app, maxLines, deadlineMs) {
    const session = await client.request('POST', `/apps/${encodeURIComponent(app)}/log-sessions`, {
        body: { lines: maxLines, source: 'app', tail: false },
        timeoutMs: deadlineMs,
    });
    const body = session.body;
    const url = typeof body === 'object' && body !== null && 'logplex_url' in body
        ? body.logplex_url
        : undefined;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
        throw new Error('Heroku answered a log session without a logplex_url');
    }
    const tail = new tail_buffer/* TailBuffer */.vX(maxLines);
    for await (const line of client.streamLines(url, { deadlineMs }))
        tail.push(line);
    return [...tail.lines()];
}

;// CONCATENATED MODULE: ./lib/platforms/heroku/live-commit.js
function field(value, key) {
    return typeof value === 'object' && value !== null
        ? value[key]
        : undefined;
}
/** The commit of the succeeded build that released `live` or built its slug; undefined when
 * none of `builds` did (a release made another way, or a build older than the list). */
function commitOfRelease(builds, live) {
    for (const build of builds) {
        if (field(build, 'status') !== 'succeeded')
            continue;
        const released = field(field(build, 'release'), 'id') === live.id;
        const slug = field(field(build, 'slug'), 'id');
        const sameSlug = live.content !== undefined && slug === live.content;
        const version = field(field(build, 'source_blob'), 'version');
        if ((released || sameSlug) && typeof version === 'string' && version !== '')
            return version;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./lib/platforms/heroku/preboot.js
// The preboot window (Dev Center "Preboot"): after a release the new dynos are listed at once,
// but requests reach them only about 3 minutes later (2 minutes after the app's boot
// timeout, 60 s by default); until then the old release answers the health URL.
const DEFAULT_BOOT_TIMEOUT_S = 60;
const SWITCH_AFTER_BOOT_S = 120;
const MARGIN_S = 30;
/** Set it when Heroku raised the app's boot timeout (it then must cover timeout + 2 min).
 * Seconds, fractions allowed (the end-to-end tests scale the window down with it). */
const PREBOOT_WINDOW_ENV = 'GUARDED_DEPLOY_HEROKU_PREBOOT_WINDOW';
const defaultPrebootWindowMs = (DEFAULT_BOOT_TIMEOUT_S + SWITCH_AFTER_BOOT_S + MARGIN_S) * 1000;
/** The window from the environment, else the default; a clear error for a bad value. */
function prebootWindowMs(env) {
    const raw = env[PREBOOT_WINDOW_ENV]?.trim();
    if (raw === undefined || raw === '')
        return defaultPrebootWindowMs;
    const seconds = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(seconds) || seconds > 3600) {
        throw new Error(`${PREBOOT_WINDOW_ENV}='${raw}' is not allowed: give seconds from 0 to 3600 ` +
            `(default ${defaultPrebootWindowMs / 1000}: boot timeout 60 s + 2 min + 30 s margin)`);
    }
    return Math.round(seconds * 1000);
}
function prebootNotice(app, windowMs) {
    const seconds = Math.round(windowMs / 1000);
    return (`Preboot is enabled on ${app}: for about ${seconds} s after a release (boot timeout + ` +
        '2 min, plus a margin) the previous release keeps answering requests. Without ' +
        '`version-url`, passing health polls count only after that window, since they may come ' +
        'from the previous release; set `version-url` so the action can tell which release ' +
        'answered and judge at once.');
}

;// CONCATENATED MODULE: ./lib/platforms/heroku/rollback-target.js
// Which release `mode: rollback` without `to-release` goes back to: the newest release older
// than the live one that the API would roll back to and that runs something else.
/** Why `candidate` is skipped, or undefined when it is a good target. */
function skipReason(candidate, live) {
    if (candidate.version >= live.version)
        return 'not older than the live release';
    if (candidate.status !== undefined && candidate.status !== 'succeeded') {
        return `its status is ${candidate.status}`;
    }
    // The API's own word when it gives one; the official CLI filters on it too
    // (heroku/cli src/lib/releases/releases.ts: releases.filter(r => r.eligible_for_rollback)).
    if (candidate.eligibleForRollback === false)
        return 'Heroku marks it not eligible for rollback';
    if (candidate.content === undefined && candidate.eligibleForRollback !== true) {
        return 'it has no slug or image to release';
    }
    if (candidate.content !== undefined && candidate.content === live.content) {
        return 'it runs the same slug as the live release';
    }
    return undefined;
}
/** The first good target among `newestFirst` (releases older than the live one, newest
 * first); undefined when none is. For the histories Heroku creates this is what
 * `heroku rollback` picks: the second release marked eligible, the live one being the first. */
function pickRollbackTarget(newestFirst, live) {
    return newestFirst.find((candidate) => skipReason(candidate, live) === undefined);
}

;// CONCATENATED MODULE: ./lib/platforms/heroku/previous-release.js

/** What `heroku rollback` without a version goes to (see rollback-target.ts), read newest
 * first with ranges the API supports (end-only ranges are not), page by page. */
async function previousGoodRelease(api) {
    const older = (list, live) => list.filter((release) => release.version < live.version);
    const seen = await api.walkReleases((list) => {
        const live = list.find((release) => release.current);
        return live !== undefined && pickRollbackTarget(older(list, live), live) !== undefined;
    });
    const live = seen.find((release) => release.current);
    if (live === undefined)
        throw new Error(api.noCurrentRelease(seen.length));
    const target = pickRollbackTarget(older(seen, live), live);
    if (target !== undefined)
        return target;
    const skipped = older(seen, live)
        .slice(0, 5)
        .map((release) => `v${release.version}: ${skipReason(release, live) ?? '?'}`);
    throw new Error(`Heroku lists no release before v${live.version} to roll back to among the ` +
        `${seen.length} latest${skipped.length > 0 ? ` (${skipped.join('; ')})` : ''}`);
}

;// CONCATENATED MODULE: ./lib/platforms/heroku/heroku.js
// Heroku through its Platform API only (no CLI, no git push): sources → build → release phase,
// reading the current release, and rollback by re-releasing an earlier release.

















const heroku_outputTailLines = 20;
/** Reading a decided release phase's output once more is best effort: never for long. */
const MISSED_OUTPUT_READ_MS = 10_000;
const defaultHerokuDeps = {
    ...defaultApiClientDeps,
    pollIntervalsMs: [500, 1_000, 2_000, 3_000, 5_000],
    maxPolls: 2_000,
    buildTimeoutMs: 30 * 60_000,
    releaseTimeoutMs: 65 * 60_000,
    tempRoot: undefined,
    prebootWindowMs: defaultPrebootWindowMs,
};
function createHerokuPlatform(settings, deps = {}) {
    const fromEnv = { prebootWindowMs: prebootWindowMs(process.env) };
    return new HerokuPlatform(settings, { ...defaultHerokuDeps, ...fromEnv, ...deps });
}
class HerokuPlatform {
    settings;
    deps;
    api;
    constructor(settings, deps) {
        this.settings = settings;
        this.deps = deps;
        const client = createApiClient({
            baseUrl: settings.apiUrl,
            service: 'Heroku API',
            userAgent: settings.userAgent,
            apiHeaders: {
                accept: 'application/vnd.heroku+json; version=3',
                authorization: `Bearer ${settings.apiToken}`,
            },
            debugPrefix: 'heroku',
        }, deps);
        this.api = new HerokuApi(client, settings.app, deps.sleep);
    }
    async snapshot() {
        const app = await this.api.getApp();
        const notices = [];
        const webUrl = typeof app.web_url === 'string' ? app.web_url : '';
        if (webUrl === '') {
            notices.push(`Heroku reports no web URL for ${this.settings.app}: set \`health-url\`.`);
        }
        const preboot = await this.api.prebootEnabled();
        if (preboot)
            notices.push(prebootNotice(this.settings.app, this.deps.prebootWindowMs));
        const current = toRelease(await this.api.currentRelease());
        return {
            current,
            webUrl,
            switchoverSeconds: preboot ? this.deps.prebootWindowMs / 1000 : 0,
            notices,
            restore: { kind: 'release', target: current },
        };
    }
    async liveCommit(live) {
        return commitOfRelease(await this.api.recentBuilds(), live);
    }
    async liveRelease() {
        return toRelease(await this.api.currentRelease());
    }
    async push(commit, log) {
        const short = commit.slice(0, 12);
        const artifact = this.settings.artifact;
        if (artifact !== undefined)
            return this.releaseArtifact(artifact, short, log);
        const tempDir = await (0,external_node_fs_promises_.mkdtemp)(external_node_path_.join(this.deps.tempRoot ?? process.env.RUNNER_TEMP ?? external_node_os_.tmpdir(), 'guarded-deploy-'));
        try {
            const build = await startBuild(this.api, this.deps.sleep, {
                sourceDir: this.settings.sourceDir,
                commit,
                tempDir,
                log,
            });
            try {
                return await this.finishBuild(build, short, log);
            }
            catch (error) {
                if (error instanceof errors/* DeployError */.sH)
                    throw error;
                throw new errors/* DeployError */.sH(`Lost track of the Heroku build ${build.id} of ${short}: ${(0,errors/* errorMessage */.gJ)(error)}. ` +
                    'The live release may have changed.', true);
            }
        }
        finally {
            await (0,external_node_fs_promises_.rm)(tempDir, { recursive: true, force: true });
        }
    }
    /** Re-releases the target (Heroku's "Rollback"): the same for every kind of plan. */
    async rollback(plan, log) {
        const { target } = plan;
        log(`Rolling back ${this.settings.app} to ${target.label} (${target.id})`);
        let created;
        try {
            created = await this.api.createRollback(target.id);
        }
        catch (error) {
            throw new errors/* DeployError */.sH(`Rollback to ${target.label} was not confirmed: ${(0,errors/* errorMessage */.gJ)(error)}`, platformMayHaveActed(error));
        }
        log(`Created v${created.version} (rollback to ${target.label}); waiting for it to go live`);
        const done = await this.waitForRelease(created, log);
        if (done.status === 'failed') {
            throw new errors/* DeployError */.sH(`Rollback to ${target.label} failed: the release phase of v${done.version} failed, ` +
                'so it never went live.', false);
        }
        log(`v${done.version} is live (same code and config as ${target.label})`);
        return toRelease(done);
    }
    /** The app's last lines through a log session (logs.ts); all its dynos, source `app`. */
    recentLogs(_release, maxLines, deadlineMs) {
        return herokuAppLogs(this.api.client, this.settings.app, maxLines, deadlineMs);
    }
    /** Web dynos of `release` the platform shows crashed (crash.ts). */
    async crashedInstances(release) {
        return crashedDynos(await this.api.dynos(), release);
    }
    /** Every web dyno up and on `release`, read from the dynos list until it is or time runs
     * out: a health URL can answer from a dyno of the old release while preboot switches. */
    async inspect(release, timeoutMs) {
        const polled = await (0,poll/* pollUntil */.g)(async () => dynoReport(await this.api.dynos(), release), (report) => report.ok, this.deps, this.limits(timeoutMs));
        return polled.value;
    }
    async resolveTarget(spec) {
        if (spec !== undefined) {
            const version = /^v?(\d+)$/.exec(spec)?.[1];
            return { kind: 'release', target: toRelease(await this.api.release(version ?? spec)) };
        }
        return { kind: 'release', target: toRelease(await previousGoodRelease(this.api)) };
    }
    /** Pending builds and releases (api.ts `pendingDeploys`): before the push, none is ours. */
    deploysInFlight() {
        return this.api.pendingDeploys();
    }
    async settle(timeoutMs) {
        const polled = await (0,poll/* pollUntil */.g)(() => this.api.somethingInFlight(), (inFlight) => !inFlight, this.deps, this.limits(timeoutMs));
        if (!polled.done)
            throw stillPending('build or release in flight', timeoutMs);
    }
    /** Closes the keep-alive connections; the action calls it once at the end. */
    close() {
        return this.api.client.close();
    }
    limits(timeoutMs) {
        return { intervalsMs: this.deps.pollIntervalsMs, maxPolls: this.deps.maxPolls, timeoutMs };
    }
    async finishBuild(created, short, log) {
        const started = this.deps.now();
        const tail = new tail_buffer/* TailBuffer */.vX(heroku_outputTailLines);
        if (created.outputStreamUrl !== undefined) {
            await this.streamOutput(created.outputStreamUrl, this.deps.buildTimeoutMs, log, tail);
        }
        const polled = await (0,poll/* pollUntil */.g)(() => this.api.build(created.id), 
        // A succeeded build names its release; wait for that too.
        (state) => state.status === 'failed' || (state.status === 'succeeded' && !!state.releaseId), this.deps, this.limits(this.deps.buildTimeoutMs), { started });
        if (!polled.done)
            throw stillPending(`build ${created.id}`, this.deps.buildTimeoutMs);
        const build = polled.value;
        if (build.status === 'failed') {
            const lines = tail.lines();
            const lastOutput = lines.length > 0 ? `\nLast build output:\n${lines.join('\n')}` : '';
            const said = failingLines(lines);
            throw new errors/* DeployError */.sH(`Heroku build ${created.id} of ${short} failed; nothing was released` +
                `${said === '' ? '.' : `: ${said}`}${lastOutput}`, false, { title: 'Build output', lines });
        }
        const release = await this.api.release(build.releaseId ?? '');
        log(`Build succeeded: release v${release.version}`);
        return this.releaseLive(release, log);
    }
    /** Waits out the release phase of `release`; a failed one never went live. */
    async releaseLive(release, log) {
        const releaseTail = new tail_buffer/* TailBuffer */.vX(heroku_outputTailLines);
        const done = await this.waitForRelease(release, log, releaseTail);
        if (done.status === 'failed') {
            const releaseLines = releaseTail.lines();
            const said = releaseLines.findLast((line) => line.trim() !== '')?.trim();
            throw new errors/* DeployError */.sH(`The release phase of v${done.version} failed` +
                `${said === undefined ? '' : ` (its last line: ${said})`}: ` +
                `v${done.version} was never deployed and the previous release keeps serving.`, false, { title: `Release phase output of v${done.version}`, lines: releaseLines }, toRelease(done));
        }
        log(`v${done.version} is live`);
        return toRelease(done);
    }
    /** `artifact`: a release of that slug, no build (Dev Center "Copying Slugs with the Platform
     * API": `POST /apps/{app}/releases` with `slug`, also a slug built on another app). */
    async releaseArtifact(slugId, short, log) {
        let created;
        try {
            created = await this.api.createSlugRelease(slugId, `guarded-deploy of ${short}`);
        }
        catch (error) {
            throw new errors/* DeployError */.sH(`Could not release slug ${slugId} on ${this.settings.app}: ${(0,errors/* errorMessage */.gJ)(error)}`, platformMayHaveActed(error));
        }
        log(`Released slug ${slugId} as v${created.version}, no build`);
        try {
            return await this.releaseLive(created, log);
        }
        catch (error) {
            if (error instanceof errors/* DeployError */.sH)
                throw error;
            throw new errors/* DeployError */.sH(`Lost track of v${created.version} (slug ${slugId}): ${(0,errors/* errorMessage */.gJ)(error)}`, true);
        }
    }
    /** The slug a verified release runs: what `artifact` deploys elsewhere. None on Fir. */
    artifactOf(release) {
        return this.api.releaseSlug(release.id);
    }
    /** Streams the release phase output (when there is one) and polls until it is decided. */
    async waitForRelease(release, log, tail) {
        if (release.status !== 'pending') {
            // Already decided when first read (a release command that failed at once).
            await this.readMissedOutput(release, log, tail);
            return release;
        }
        const started = this.deps.now();
        if (release.outputStreamUrl !== undefined) {
            log(`Release phase of v${release.version}:`);
            await this.streamOutput(release.outputStreamUrl, this.deps.releaseTimeoutMs, log, tail);
        }
        const polled = await (0,poll/* pollUntil */.g)(() => this.api.release(release.id), (state) => state.status !== 'pending', this.deps, this.limits(this.deps.releaseTimeoutMs), 
        // After streamed output the status is stale: read it again at once.
        { started, ...(release.outputStreamUrl === undefined ? { first: { value: release } } : {}) });
        if (!polled.done) {
            throw stillPending(`release v${release.version}`, this.deps.releaseTimeoutMs);
        }
        const done = polled.value;
        if (done.status === 'expired' || done.status === 'other') {
            throw new Error(`Heroku release v${done.version} ended neither succeeded nor failed`);
        }
        await this.readMissedOutput({ ...done, outputStreamUrl: release.outputStreamUrl }, log, tail);
        return done;
    }
    /** The stream answers 404 until the release command starts (the CLI then only warns), and
     * a release may be decided before it is first read: once a release phase ended, failed or
     * succeeded, its output is read when none came yet, as `heroku releases:output` reads it
     * (on a loaded runner a quick release phase was decided before the first read). */
    async readMissedOutput(release, log, tail) {
        if (release.status !== 'failed' && release.status !== 'succeeded')
            return;
        if (tail === undefined || tail.size > 0 || release.outputStreamUrl === undefined)
            return;
        await this.streamOutput(release.outputStreamUrl, MISSED_OUTPUT_READ_MS, log, tail);
    }
    /** Output lines to `log`, the last ones kept in `tail` when given; a broken stream is only
     * reported: the status poll that follows decides. */
    async streamOutput(url, deadlineMs, log, tail) {
        try {
            for await (const line of this.api.client.streamLines(url, { deadlineMs })) {
                log(line);
                tail?.push(line);
            }
        }
        catch (error) {
            log(`(output stream ended early: ${(0,errors/* errorMessage */.gJ)(error)}; checking the status instead)`);
        }
    }
}

// EXTERNAL MODULE: ./lib/verify/probe.js
var probe = __webpack_require__(5647);
// EXTERNAL MODULE: ./lib/report/summary.js + 7 modules
var summary = __webpack_require__(4587);
;// CONCATENATED MODULE: ./lib/action.js
// Wires the real dependencies into the flows and reports on every path.

















const GITHUB_TIMEOUT_MS = 30_000;
function createPlatform(settings) {
    switch (settings.platform) {
        case 'heroku':
            return createHerokuPlatform(settings);
        case 'fly':
            // Rollback and verify modes run no flyctl: they have no Fly deploy settings.
            return createFlyPlatform(settings);
    }
}
/** The runner sends SIGINT on cancel, SIGTERM 7.5 s later, then kills: stop probing at once. */
function cancellationSignal() {
    const controller = new AbortController();
    const onSignal = (name) => () => {
        core/* warning */.$e(`Received ${name}: stopping; the post step finishes the rollback.`, {
            title: 'Job cancelled',
        });
        controller.abort(new errors/* Cancelled */.cJ(`received ${name}`));
    };
    process.once('SIGINT', onSignal('SIGINT'));
    process.once('SIGTERM', onSignal('SIGTERM'));
    return controller.signal;
}
function realDeps(signal) {
    return {
        now: () => Date.now(),
        sleep: (ms) => (0,promises_.setTimeout)(ms),
        createPlatform,
        listJobs: (settings) => listRunJobs((0,github/* getOctokit */.Q)(settings.githubToken, { baseUrl: settings.run.apiUrl }), {
            owner: settings.run.owner,
            repo: settings.run.repo,
            runId: settings.run.runId,
            attempt: settings.run.attempt,
        }, GITHUB_TIMEOUT_MS),
        probe: probe/* liveProbeDeps */.Bm,
        signal,
        deployments: (settings) => settings.environment === undefined
            ? undefined
            : new deployments/* GitHubDeployments */.Cn((0,github/* getOctokit */.Q)(settings.githubToken, { baseUrl: settings.run.apiUrl }), { owner: settings.run.owner, repo: settings.run.repo }, GITHUB_TIMEOUT_MS),
    };
}
/** The main step; throws with the one-line cause whenever the result is not a green one. */
async function runAction() {
    core/* saveState */.LZ(names/* State */.Uw.IsPost, 'true');
    const deps = realDeps(cancellationSignal());
    const record = (0,run_record/* newRunRecord */.p)(core/* getInput */.V4(names/* Input */.pd.Platform), core/* getInput */.V4(names/* Input */.pd.App), new Date(deps.now()));
    let mode;
    try {
        const settings = (0,inputs/* getSettings */.mt)();
        record.mode = settings.mode;
        mode = settings.mode;
        if (settings.mode === 'rollback')
            await runRollbackMode(settings, deps, record);
        else if (settings.mode === 'verify')
            await runVerifyMode(settings, deps, record);
        else if (settings.mode === 'plan')
            await runPlanMode(settings, deps, record);
        else
            await (0,deploy/* runDeploy */.zt)(settings, deps, record);
    }
    catch (error) {
        if (error instanceof errors/* InvalidInputs */.hS) {
            for (const problem of error.problems)
                core/* error */.z3(problem.message, { title: 'Bad input' });
        }
        record.result = 'failed';
        const stop = (0,decide/* describeStop */.Cw)({
            cause: (0,errors/* firstLine */.TM)((0,errors/* errorMessage */.gJ)(error)),
            cancelled: error instanceof errors/* Cancelled */.cJ || deps.signal.aborted,
            snapshotTaken: record.previous !== undefined,
            appState: record.appState,
        });
        record.cause = stop.cause;
        record.appState = stop.appState;
    }
    finally {
        (0,summary/* writeOutputs */.Kn)(record);
        await (0,summary/* writeSummary */.Sy)(record);
    }
    if (!(0,decide/* endsGreen */.Ct)(mode, record.result)) {
        throw new Error(record.cause ?? `result: ${record.result ?? 'failed'}`);
    }
    core/* info */.pq(`${record.result}: ${record.app} ${record.release?.label ?? record.previous?.label ?? ''}` +
        ` healthy at ${record.healthUrl ?? ''}`);
}


/***/ }),

/***/ 2443:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   We: () => (/* binding */ ticketOf),
/* harmony export */   Zn: () => (/* binding */ QueueUnreadable),
/* harmony export */   pd: () => (/* binding */ queueReader)
/* harmony export */ });
/* unused harmony exports STALE_AFTER_MS, MAX_QUEUE_PAGES, ticketIn, standing, holderName, readQueueHolders */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6421);
/* harmony import */ var _report_deployments_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7570);
/* harmony import */ var _io_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5626);
// The deploy queue. Neither platform has an atomic deploy lock, but GitHub gives deployment ids
// in creation order, atomically: every deploy with `environment` creates its deployment first,
// so among this action's deployments of one app in one environment the lowest id still in
// flight pushes first, and a deploy never waits for one created after its own. Read right
// before the push, beside the platform's own holders (`deploy-lock.ts`).



/** GitHub ends a job after 6 h ("Usage limits", GitHub Actions docs): an older deployment
 * still without a final status was left behind by a job that is gone. */
const STALE_AFTER_MS = 6 * 60 * 60_000;
/** Pages of 100 deployments read at most, newest first: far more than 6 h of deploys. */
const MAX_QUEUE_PAGES = 3;
/** Statuses of a deploy not yet ended (GitHub's states; none at all counts too). */
const IN_FLIGHT = new Set(['queued', 'pending', 'in_progress']);
/** The run and job of this deploy, as its deployment records them. */
function ticketOf(settings) {
    const { runId, attempt, job } = settings.run;
    return job === undefined ? { runId, attempt } : { runId, attempt, job };
}
/** The queue fields of a payload this action wrote; undefined for any other deployment. */
function ticketIn(payload) {
    if (typeof payload !== 'object' || payload === null)
        return undefined;
    const p = payload;
    const { app, platform, run_id: runId, run_attempt: attempt, job } = p;
    const named = p.by === _report_deployments_js__WEBPACK_IMPORTED_MODULE_1__/* .PAYLOAD_BY */ .ZZ && typeof app === 'string' && typeof platform === 'string';
    if (!named || typeof runId !== 'number' || typeof attempt !== 'number')
        return undefined;
    return { app, platform, runId, attempt, ...(typeof job === 'string' ? { job } : {}) };
}
/**
 * Whether a listed deployment holds the app ahead of this deploy, from what is known of it;
 * `read` asks for the next fact (its latest status, then its run) when it decides.
 */
function standing(facts, ours) {
    const { listed } = facts;
    const theirs = ticketIn(listed.payload);
    if (theirs === undefined || theirs.app !== ours.app || theirs.platform !== ours.platform) {
        return { kind: 'not-ahead' };
    }
    if (ours.deploymentId !== undefined && listed.id >= ours.deploymentId) {
        return { kind: 'not-ahead' };
    }
    if (ours.nowMs - listed.createdAtMs > STALE_AFTER_MS) {
        return { kind: 'stale', why: 'older than 6 h, the longest a job runs' };
    }
    const sameRun = theirs.runId === ours.ticket.runId;
    if (sameRun && theirs.attempt < ours.ticket.attempt) {
        return { kind: 'stale', why: `attempt ${theirs.attempt} of this run has ended` };
    }
    if (facts.latestState === undefined)
        return { kind: 'read', what: 'status' };
    if (facts.latestState !== null && !IN_FLIGHT.has(facts.latestState))
        return { kind: 'ended' };
    // A job of this very run attempt is running, like this one: no need to ask.
    if (sameRun && theirs.attempt === ours.ticket.attempt)
        return { kind: 'holder' };
    if (facts.runStatus === undefined)
        return { kind: 'read', what: 'run' };
    if (facts.runStatus === 'completed' || facts.runStatus === 'gone') {
        const ended = facts.runStatus === 'gone' ? 'is gone' : 'has completed';
        return { kind: 'stale', why: `its run ${theirs.runId} ${ended}` };
    }
    return { kind: 'holder' };
}
/** One holder, named like the platform's: deployment, commit, run, creator, state. */
function holderName(facts, links) {
    const { listed } = facts;
    const ticket = ticketIn(listed.payload);
    const run = ticket === undefined
        ? ''
        : `, run ${(0,_report_deployments_js__WEBPACK_IMPORTED_MODULE_1__/* .runLogUrl */ .lm)({ ...links, runId: ticket.runId, attempt: ticket.attempt })}`;
    const job = ticket?.job === undefined ? '' : ` job ${ticket.job}`;
    const by = listed.creator === undefined ? '' : ` by ${listed.creator}`;
    const state = facts.latestState === null || facts.latestState === undefined
        ? 'has no status yet'
        : `is ${facts.latestState.replace('_', ' ')}`;
    return `deployment ${listed.id} of ${listed.sha.slice(0, 7)}${by} (queued ahead${run}${job}) ${state}`;
}
/** The deploy could not read the queue: it refuses, since it cannot know its turn. */
class QueueUnreadable extends Error {
    name = 'QueueUnreadable';
}
/** Every deployment holding the app ahead of `ours`, named; throws QueueUnreadable. */
async function readQueueHolders(source, ours, links) {
    try {
        const holders = [];
        const runs = new Map();
        for (const listed of await listRecent(source, ours.nowMs)) {
            let facts = { listed };
            // At most two reads: its latest status, then its run.
            for (let reads = 0; reads <= 2; reads += 1) {
                const now = standing(facts, ours);
                if (now.kind === 'holder')
                    holders.push(holderName(facts, links));
                if (now.kind === 'stale')
                    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(`deployment ${listed.id} holds nothing: ${now.why}`);
                if (now.kind !== 'read')
                    break;
                if (now.what === 'status') {
                    facts = { ...facts, latestState: await source.latestState(listed.id) };
                }
                else {
                    const runId = ticketIn(listed.payload)?.runId ?? 0;
                    const status = runs.get(runId) ?? (await source.runStatus(runId));
                    runs.set(runId, status);
                    facts = { ...facts, runStatus: status };
                }
            }
        }
        return holders;
    }
    catch (error) {
        throw new QueueUnreadable((0,_io_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .errorMessage */ .gJ)(error));
    }
}
/** The deployments of the last 6 h, newest first, within `MAX_QUEUE_PAGES` pages. */
async function listRecent(source, nowMs) {
    const recent = [];
    for (let page = 1; page <= MAX_QUEUE_PAGES; page += 1) {
        const listed = await source.listPage(page);
        recent.push(...listed);
        const oldest = listed.at(-1);
        if (listed.length < source.pageSize || oldest === undefined)
            return recent;
        if (nowMs - oldest.createdAtMs > STALE_AFTER_MS)
            return recent;
    }
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`More than ${MAX_QUEUE_PAGES * source.pageSize} deployments in 6 h: older ones were not ` +
        'read for the deploy queue');
    return recent;
}
/** Reads the holders ahead of `deploymentId` (undefined: all in flight) in `environment`. */
function queueReader(tracker, environment, settings, deploymentId, now) {
    const source = {
        pageSize: _report_deployments_js__WEBPACK_IMPORTED_MODULE_1__/* .QUEUE_PAGE_SIZE */ .QM,
        listPage: (page) => tracker.listPage(environment, page),
        latestState: (id) => tracker.latestState(id),
        runStatus: (runId) => tracker.runStatus(runId),
    };
    const { serverUrl, owner, repo } = settings.run;
    return () => readQueueHolders(source, {
        app: settings.app,
        platform: settings.platform,
        ticket: ticketOf(settings),
        ...(deploymentId === undefined ? {} : { deploymentId }),
        nowMs: now(),
    }, { serverUrl, owner, repo });
}


/***/ }),

/***/ 8271:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  hv: () => (/* binding */ SETTLE_TIMEOUT_MS),
  bN: () => (/* binding */ baselinePhase),
  lt: () => (/* binding */ passGate),
  zt: () => (/* binding */ runDeploy),
  W9: () => (/* binding */ takeSnapshot),
  dZ: () => (/* binding */ throwIfCancelled),
  dR: () => (/* binding */ verifyContext),
  Bb: () => (/* binding */ verifyPhase)
});

// UNUSED EXPORTS: healthUrlFor, untilCancelled

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6421);
// EXTERNAL MODULE: ./lib/io/untrusted-output.js
var untrusted_output = __webpack_require__(5862);
// EXTERNAL MODULE: ./lib/flow/decide.js
var decide = __webpack_require__(7922);
// EXTERNAL MODULE: ./lib/io/errors.js
var errors = __webpack_require__(5626);
;// CONCATENATED MODULE: ./lib/gate/gate.js
// The test gate: decides from the jobs of this workflow run (and `needs`) whether to deploy.
const SUCCESS = 'success';
const PENDING_STATUSES = new Set(['queued', 'in_progress', 'waiting', 'pending', 'requested']);
/**
 * Whether `name` matches `pattern`, where `*` matches any text and everything else is literal
 * (job names often hold `(`, `.`, `/`). Linear in practice and O(pattern × name) at worst: on
 * a mismatch only the last `*` is widened, never every earlier one (a regex such as
 * `^.*a.*a.*a…b$` backtracks exponentially in the number of stars).
 */
function matchesWildcard(pattern, name) {
    let p = 0;
    let n = 0;
    let starAt = -1;
    let resumeAt = 0;
    while (n < name.length) {
        if (p < pattern.length && pattern[p] === '*') {
            starAt = p++;
            resumeAt = n;
        }
        else if (p < pattern.length && pattern[p] === name[n]) {
            p++;
            n++;
        }
        else if (starAt >= 0) {
            p = starAt + 1;
            n = ++resumeAt;
        }
        else {
            return false;
        }
    }
    while (p < pattern.length && pattern[p] === '*')
        p++;
    return p === pattern.length;
}
function isSelf(job, selfRunnerName) {
    return (selfRunnerName !== undefined &&
        job.status === 'in_progress' &&
        job.runnerName === selfRunnerName);
}
function quoteNames(names) {
    return names.length === 0 ? 'none' : names.map((name) => `'${name}'`).join(', ');
}
/** Judges a required (or, without `require-jobs`, a finished) job; null when it may deploy. */
function jobProblem(job) {
    if (PENDING_STATUSES.has(job.status)) {
        return (`required job '${job.name}' is still ${job.status}: add \`needs: [<its job key>]\` ` +
            'to the deploy job so it waits for it');
    }
    if (job.status !== 'completed')
        return `required job '${job.name}' has status ${job.status}`;
    if (job.conclusion === SUCCESS)
        return null;
    if (job.conclusion === null)
        return `job '${job.name}' completed without a conclusion`;
    return `job '${job.name}' concluded ${job.conclusion}`;
}
function pickState(job) {
    return { name: job.name, status: job.status, conclusion: job.conclusion };
}
/** With `require-jobs`: only jobs matching a pattern are judged. */
function judgeAgainstPatterns(job, patterns) {
    const matchedBy = patterns.filter((pattern) => matchesWildcard(pattern, job.name));
    if (matchedBy.length === 0) {
        return {
            row: { ...pickState(job), required: false, ok: true, note: 'not required' },
            problem: null,
        };
    }
    const problem = jobProblem(job);
    const via = matchedBy.join("', '");
    const note = problem ?? (via === job.name ? 'required' : `required (matches '${via}')`);
    return { row: { ...pickState(job), required: true, ok: problem === null, note }, problem };
}
/** Without `require-jobs`: every other job must have completed with success. One still
 * queued or running is a refusal: it may yet fail, and nothing makes the deploy wait for it. */
function judgeEveryJob(job) {
    if (job.status !== 'completed') {
        const problem = `job '${job.name}' is still ${job.status}: add it to needs: of the deploy job, ` +
            'or list the jobs that matter in require-jobs';
        const note = `not finished (${job.status})`;
        return { row: { ...pickState(job), required: true, ok: false, note }, problem };
    }
    const problem = jobProblem(job);
    const row = { ...pickState(job), required: true, ok: problem === null, note: problem ?? 'ok' };
    return { row, problem };
}
/** Says which attempt a verdict comes from when it is not this one (a re-run of failed jobs
 * runs only those: the others are judged by their run in an earlier attempt). */
function withAttempt(judged, job, attempt) {
    if (job.attempt === undefined)
        return judged;
    const from = job.attempt === attempt ? `attempt ${job.attempt}` : `from attempt ${job.attempt}`;
    return { ...judged, row: { ...judged.row, note: `${judged.row.note} (${from})` } };
}
function missingPatternRow(pattern) {
    const note = 'no job of this run has this name';
    return { name: pattern, status: 'missing', conclusion: null, required: true, ok: false, note };
}
function needsRow(key, entry) {
    const ok = entry.result === SUCCESS;
    const problem = ok ? null : `needed job '${key}' has result ${entry.result}, not success`;
    const row = {
        name: `needs.${key}`,
        status: 'needs',
        conclusion: entry.result,
        required: true,
        ok,
        note: ok ? 'ok' : `result ${entry.result}`,
    };
    return { row, problem };
}
/** Decides the gate. Pure: the caller lists the jobs and renders the rows (in job order, then
 * required patterns without a job, then `needs` entries). */
function judgeGate(input) {
    const rows = [];
    const problems = [];
    const record = ({ row, problem }) => {
        rows.push(row);
        if (problem !== null)
            problems.push(problem);
    };
    const patterns = input.requireJobs;
    const others = [];
    for (const job of input.jobs) {
        if (isSelf(job, input.selfRunnerName)) {
            rows.push({
                ...pickState(job),
                required: false,
                ok: true,
                note: 'this deploy job (not judged)',
            });
            continue;
        }
        others.push(job);
        const judged = patterns.length > 0 ? judgeAgainstPatterns(job, patterns) : judgeEveryJob(job);
        record(withAttempt(judged, job, input.attempt));
    }
    const existing = others.map((job) => job.name);
    for (const pattern of patterns) {
        if (existing.some((name) => matchesWildcard(pattern, name)))
            continue;
        record({
            row: missingPatternRow(pattern),
            problem: `required job '${pattern}' not found in this run (jobs: ${quoteNames(existing)}); ` +
                'use the display name shown in the run, `*` matches any text',
        });
    }
    if (patterns.length === 0 && others.length === 0) {
        problems.push('no other job of this run exists, so there is nothing to gate on: ' +
            'add `needs: [<test job key>]` to the deploy job or set `require-jobs`');
    }
    for (const [key, entry] of Object.entries(input.needs ?? {}))
        record(needsRow(key, entry));
    return { pass: problems.length === 0, rows, problems };
}

// EXTERNAL MODULE: ./lib/report/deployments.js
var deployments = __webpack_require__(7570);
// EXTERNAL MODULE: ./lib/platforms/platform.js
var platform = __webpack_require__(4325);
// EXTERNAL MODULE: ./lib/verify/health.js
var health = __webpack_require__(4835);
// EXTERNAL MODULE: ./lib/verify/probe.js
var probe = __webpack_require__(5647);
;// CONCATENATED MODULE: ./lib/verify/baseline.js
// The baseline probe: a few polls of the release live before the push, with the same
// criteria, so a later verdict can tell a broken release from a check that never passed.
// With `version-url` set, that URL of the live release is polled too, side by side.


/** Short and bounded: it runs before the push and must never hold up the deploy. */
const BASELINE_POLLS = 3;
const BASELINE_GAP_MS = 250;
const BASELINE_POLL_TIMEOUT_MS = 1_500;
/** Characters of the live release's version-url answer kept for the summary. */
const SHOWN_CHARS = 60;
/** Polls `url` up to BASELINE_POLLS times, `gapMs` apart (the shorter of the health interval
 * and 250 ms); stops early on a cancelled job. Never throws for what the URL answers. */
async function pollLive(url, judge, intervalMs, deps, signal) {
    const gapMs = Math.max(1, Math.min(intervalMs, BASELINE_GAP_MS));
    const start = deps.now();
    const polls = [];
    const cancelled = () => signal?.aborted === true;
    for (let index = 0; index < BASELINE_POLLS && !cancelled(); index += 1) {
        if (index > 0)
            await deps.sleep(gapMs, signal).catch(() => undefined);
        if (cancelled())
            break;
        const at = deps.now() - start;
        const result = await (0,probe/* pollSafely */.o2)(deps, url, BASELINE_POLL_TIMEOUT_MS);
        polls.push({ ...result, ...judge(result), at });
    }
    const passes = polls.filter((poll) => poll.pass).length;
    return { polls, passes, elapsedMs: deps.now() - start };
}
/** The live release's health URL, judged as the new release's will be. */
async function probeBaseline(url, criteria, intervalMs, deps, signal) {
    const live = await pollLive(url, (result) => (0,health/* judgePoll */.xM)(result, criteria), intervalMs, deps, signal);
    return { ...live, summary: describePolls(live) };
}
/** The live release's `version-url`: it must answer 2xx as the new release's must (which
 * version it shows is only reported: it is not the one being deployed). */
async function probeVersionBaseline(version, intervalMs, deps, signal) {
    const live = await pollLive(version.url, health/* judgeVersionAnswer */.wO, intervalMs, deps, signal);
    const answered = live.polls.findLast((poll) => poll.pass);
    const shows = answered === undefined ? undefined : firstLine(answered.body);
    const showsExpected = answered?.body.includes(version.expected) === true;
    const showing = shows === undefined ? '' : `, shows "${shows}"`;
    const same = showsExpected
        ? `; it already shows "${version.expected}": version-url cannot tell the releases apart`
        : '';
    const summary = `${describePolls(live)}${showing}${same}`;
    return { url: version.url, ...live, shows, showsExpected, summary };
}
function describePolls({ polls, passes }) {
    const latencies = polls.map((poll) => `${Math.round(poll.latencyMs)} ms`).join(', ');
    const lastFailure = polls.findLast((poll) => !poll.pass);
    const failed = lastFailure === undefined ? '' : `, last failure: ${lastFailure.reason}`;
    return `${passes}/${polls.length} polls passed (${latencies})${failed}`;
}
function firstLine(body) {
    const line = body.trim().split('\n', 1)[0]?.trim() ?? '';
    return line.length > SHOWN_CHARS ? `${line.slice(0, SHOWN_CHARS)}…` : line;
}

// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __webpack_require__(643);
;// CONCATENATED MODULE: ./lib/verify/logs.js
// The condemned release's own last lines, best effort: asked of the platform beside the
// rollback (never before it), bounded in time, and never failing the run.


const APP_LOG_LINES = 100;
const APP_LOG_DEADLINE_MS = 5_000;
/** Starts the fetch and returns at once; the promise never rejects. */
function fetchAppLogs(platform, release, now = () => external_node_perf_hooks_.performance.now()) {
    const started = now();
    const recent = platform.recentLogs?.bind(platform);
    if (recent === undefined) {
        return Promise.resolve({ lines: [], note: 'not available', elapsedMs: 0 });
    }
    let timer;
    const deadline = new Promise((resolve) => {
        timer = setTimeout(() => resolve({ lines: [], note: `no answer within ${APP_LOG_DEADLINE_MS} ms` }), APP_LOG_DEADLINE_MS);
        timer.unref();
    });
    const fetched = recent(release, APP_LOG_LINES, APP_LOG_DEADLINE_MS).then((lines) => ({ lines: lines.slice(-APP_LOG_LINES), note: undefined }), (error) => ({ lines: [], note: (0,errors/* errorMessage */.gJ)(error) }));
    return Promise.race([fetched, deadline])
        .then((logs) => ({ ...logs, elapsedMs: now() - started }))
        .finally(() => clearTimeout(timer));
}

// EXTERNAL MODULE: ./lib/flow/recover.js
var recover = __webpack_require__(3008);
// EXTERNAL MODULE: ./lib/flow/run-record.js
var run_record = __webpack_require__(3739);
// EXTERNAL MODULE: ./lib/flow/state.js + 2 modules
var state = __webpack_require__(5004);
;// CONCATENATED MODULE: ./lib/flow/artifact.js
// The `artifact` output: what a verified release runs, named so another deploy ships exactly
// it (Heroku slug id, Fly image pinned by digest). Best effort: the deploy is done already.


async function recordArtifact(platform, release, record) {
    if (platform.artifactOf === undefined)
        return;
    try {
        const artifact = await platform.artifactOf(release);
        if (artifact === undefined) {
            core/* info */.pq(`${release.label} runs nothing another app can deploy as is: no artifact output`);
            return;
        }
        record.artifact = artifact;
        core/* info */.pq(`Artifact of ${release.label}: ${artifact}`);
    }
    catch (error) {
        core/* warning */.$e(`Could not read what ${release.label} runs: ${(0,errors/* errorMessage */.gJ)(error)}`, {
            title: 'No artifact output',
        });
    }
}
/** Whether `live` already runs `artifact`: the same slug, or the same image digest. */
function runsArtifact(live, artifact) {
    if (live.content === artifact)
        return true;
    const digest = (ref) => /@(sha256:[0-9a-f]{64})$/.exec(ref)?.[1];
    const wanted = digest(artifact);
    return wanted !== undefined && digest(live.id) === wanted;
}

;// CONCATENATED MODULE: ./lib/flow/already-live.js
// Idempotent re-runs: when the live release already runs this commit, a deploy only verifies
// it. A re-run of a failed workflow never rebuilds what is live and healthy; `force` does.





/** The commit the live release runs, or undefined when unknown or when it cannot be read (a
 * deploy then goes on as usual: reading it is an optimisation, never a reason to fail). */
async function readLiveCommit(platform, snapshot, record, deps) {
    const read = platform.liveCommit?.bind(platform);
    if (read === undefined)
        return undefined;
    return (0,run_record/* phase */.O)(record, 'live commit', deps.now, async (done) => {
        try {
            const commit = await read(snapshot.current);
            // Short, as the summary's headline names the commit being deployed.
            const short = commit?.slice(0, 7);
            done('ok', short === undefined ? 'unknown' : `${snapshot.current.label} runs ${short}`);
            return commit;
        }
        catch (error) {
            core/* warning */.$e(`Could not read the commit the live release runs: ${(0,errors/* errorMessage */.gJ)(error)}`);
            done('skipped', 'unreadable');
            return undefined;
        }
    });
}
/**
 * When `force` is off and the live release runs `settings.run.sha`: verifies it instead of
 * building, fills `record` and returns true. Otherwise returns false and changes nothing.
 */
async function verifyIfAlreadyLive(platform, settings, deps, record, context, snapshot) {
    if (settings.force === true)
        return false;
    const live = snapshot.current;
    const { artifact } = settings;
    if (artifact !== undefined) {
        // The artifact, not the commit, is what this deploy ships: the slug or the image digest.
        if (!runsArtifact(live, artifact))
            return false;
    }
    else {
        const commit = await readLiveCommit(platform, snapshot, record, deps);
        if (commit === undefined || commit !== settings.run.sha)
            return false;
    }
    record.release = live;
    const verdict = await verifyPhase(record, deps, context, live);
    const short = artifact ?? settings.run.sha.slice(0, 12);
    if (verdict.healthy) {
        record.result = 'deployed';
        await recordArtifact(platform, live, record);
        record.appState =
            `${live.label} already live, verified: it runs ${short}; nothing was built ` +
                '(`force: true` rebuilds)';
        return true;
    }
    record.result = 'failed';
    record.cause = `${live.label} already runs ${short} but is unhealthy: ${verdict.reason}`;
    record.appState =
        `${live.label} is live and UNHEALTHY; nothing was built or rolled back ` +
            '(`force: true` rebuilds, `mode: rollback` goes back)';
    return true;
}

// EXTERNAL MODULE: ./lib/platforms/kit/poll.js
var poll = __webpack_require__(5398);
// EXTERNAL MODULE: ./lib/flow/deploy-queue.js
var deploy_queue = __webpack_require__(2443);
;// CONCATENATED MODULE: ./lib/flow/deploy-lock.js
// The deploy lock: before pushing, another deploy of the same app in flight makes this run wait
// up to `lock-wait`, then refuse naming who holds the app. Two sources: the deploy queue of
// GitHub deployments (`deploy-queue.ts`: guarded-deploy jobs with `environment`, ordered by
// deployment id, so exactly one of two jobs started together goes first), and the platform (a
// build or release this run did not start, machines someone else leased), which also sees
// deploys from elsewhere but has no atomic lock: for those it narrows a race, not closes it.





/** Go when nobody holds the app; wait while `lock-wait` allows; else refuse, naming them. */
function decideLock(facts) {
    if (facts.holders.length === 0)
        return { kind: 'go' };
    if (facts.waitedMs < facts.lockWaitMs)
        return { kind: 'wait' };
    const held = `another deploy of ${facts.app} is in flight: ${facts.holders.join('; ')}`;
    const cause = facts.lockWaitMs === 0
        ? `Refused to deploy: ${held}. Set \`lock-wait\` to wait for it`
        : `Refused to deploy: after ${Math.round(facts.waitedMs / 1000)} s of \`lock-wait\`, ${held}`;
    return { kind: 'refuse', cause };
}
/** Between reads of who holds the app: builds and rollouts take minutes. */
const LOCK_POLL_INTERVALS_MS = [2_000, 3_000, 5_000];
/** Reads of who holds the app in one wait, whatever the clock says (6 h at 5 s). */
const MAX_LOCK_POLLS = 5_000;
/** Holders from both sources: the queue ahead of this deploy first, then the platform. */
function holdersOf(platform, deploysAhead) {
    const onPlatform = platform.deploysInFlight?.bind(platform);
    if (onPlatform === undefined && deploysAhead === undefined)
        return undefined;
    return async () => [...((await deploysAhead?.()) ?? []), ...((await onPlatform?.()) ?? [])];
}
/** `free`: push now; `waited`: another deploy ended while this one waited, so what is live
 * must be read again; `refused`: recorded as the run's result. `since` is when this run
 * began waiting for the app, so waits in later rounds share one `lock-wait`. */
async function awaitDeployLock(platform, settings, clock, record, since, deploysAhead) {
    const readHolders = holdersOf(platform, deploysAhead);
    if (readHolders === undefined)
        return 'free';
    const lockWaitMs = settings.lockWaitMs ?? 0;
    let firstHolders = '';
    const decide = (holders) => {
        const decision = decideLock({
            app: settings.app,
            holders,
            waitedMs: clock.now() - since,
            lockWaitMs,
        });
        if (decision.kind === 'wait' && firstHolders === '') {
            firstHolders = holders.join('; ');
            core/* info */.pq(`Another deploy of ${settings.app} is in flight (${firstHolders}): waiting.`);
        }
        return decision;
    };
    let waits = 0;
    const decision = await (0,run_record/* phase */.O)(record, 'lock', clock.now, async (done) => {
        let holders;
        try {
            holders = await pollHolders(readHolders, decide, clock, lockWaitMs - (clock.now() - since), {
                onWait: (count) => (waits = count + 1),
            });
        }
        catch (error) {
            if (!(error instanceof deploy_queue/* QueueUnreadable */.Zn))
                throw error;
            done('refused', `deploy queue unreadable: ${(0,errors/* errorMessage */.gJ)(error)}`);
            return { kind: 'refuse', cause: queueUnreadableCause(settings, error) };
        }
        // Out of time or reads while still held: refused as if `lock-wait` had run out.
        const last = decide(holders);
        const final = last.kind === 'wait'
            ? decideLock({ app: settings.app, holders, waitedMs: lockWaitMs, lockWaitMs })
            : last;
        if (final.kind === 'refuse')
            done('refused', holders.join('; '));
        else
            done('ok', waits > 0 ? `free after waiting for: ${firstHolders}` : 'no other deploy');
        return final;
    });
    if (decision.kind === 'refuse') {
        record.result = 'refused';
        record.cause = decision.cause;
        record.appState =
            waits > 0
                ? 'nothing was pushed; the live release is what the other deploy left'
                : 'nothing was pushed; the live release is unchanged';
        return 'refused';
    }
    return waits > 0 ? 'waited' : 'free';
}
/** Reads the holders until nobody holds the app or `lock-wait` has no time left. */
async function pollHolders(readHolders, decide, clock, timeLeftMs, options) {
    const polled = await (0,poll/* pollUntil */.g)(readHolders, (holders) => decide(holders).kind !== 'wait', clock, {
        intervalsMs: LOCK_POLL_INTERVALS_MS,
        maxPolls: MAX_LOCK_POLLS,
        timeoutMs: Math.max(0, timeLeftMs),
    }, options);
    return polled.value;
}
/** Without its turn in the queue a deploy could push beside another: it refuses. */
function queueUnreadableCause(settings, error) {
    const where = settings.environment ?? 'the environment';
    return (`Refused to deploy: could not read the deploys of ${settings.app} queued ahead of this ` +
        `one in ${where} (GitHub deployments): ${error.message}`);
}

;// CONCATENATED MODULE: ./lib/flow/ready-to-push.js



/** Most rounds of snapshot, baseline and lock: each follows another deploy that ended. */
const MAX_LOCK_ROUNDS = 5;
/** Snapshot, the already-live check, the baseline, then the deploy lock (the deploys queued
 * ahead of this one when it has a GitHub deployment, and the platform's); when another deploy
 * ended while this one waited, all again from a fresh snapshot (it changed what is live).
 * Undefined: nothing to push (already live, or refused). */
async function readyToPush(platform, settings, deps, record, deploysAhead) {
    const since = deps.now();
    for (let round = 1;; round += 1) {
        const snapshot = await takeSnapshot(platform, record, deps);
        const context = verifyContext(settings, platform, snapshot, deps);
        record.healthUrl = context.healthUrl;
        throwIfCancelled(deps.signal, 'the snapshot');
        if (await verifyIfAlreadyLive(platform, settings, deps, record, context, snapshot))
            return;
        context.baseline = await baselinePhase(record, deps, context);
        throwIfCancelled(deps.signal, 'the baseline probe');
        const lock = await awaitDeployLock(platform, settings, deps, record, since, deploysAhead);
        throwIfCancelled(deps.signal, 'the deploy lock');
        if (lock === 'free')
            return { snapshot, context };
        if (lock === 'refused')
            return;
        if (round >= MAX_LOCK_ROUNDS) {
            record.result = 'refused';
            record.cause = `Refused to deploy: other deploys of ${settings.app} kept starting`;
            record.appState = 'nothing was pushed';
            return;
        }
    }
}

// EXTERNAL MODULE: ./lib/report/release-words.js
var release_words = __webpack_require__(4715);
// EXTERNAL MODULE: ./lib/report/summary/logs.js
var summary_logs = __webpack_require__(7730);
// EXTERNAL MODULE: ./lib/verify/verify-release.js + 1 modules
var verify_release = __webpack_require__(7871);
;// CONCATENATED MODULE: ./lib/flow/deploy.js
// The deploy flow: gate → snapshot → push → verify, and on any failure after the push,
// rollback → verify. Platform, GitHub, the clock and the cancellation signal are injected.



















/** How long to wait for a build or release already in flight before reading what is live. */
const SETTLE_TIMEOUT_MS = 15 * 60_000;
function throwIfCancelled(signal, where) {
    if (signal.aborted)
        throw new errors/* Cancelled */.cJ(`The job was cancelled during ${where}`);
}
/** Settles with `work`, or rejects with Cancelled as soon as the job is cancelled (the work
 * goes on in the background; main then exits and the post step takes over). */
function untilCancelled(work, signal, where) {
    if (signal.aborted)
        return Promise.reject(new errors/* Cancelled */.cJ(`The job was cancelled during ${where}`));
    return new Promise((resolve, reject) => {
        const onAbort = () => reject(new errors/* Cancelled */.cJ(`The job was cancelled during ${where}`));
        signal.addEventListener('abort', onAbort, { once: true });
        work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
}
/** The health URL: the input, or the app's web URL + /health. */
function healthUrlFor(settings, snapshot) {
    return settings.healthUrl ?? `${snapshot.webUrl.replace(/\/+$/, '')}/health`;
}
function verifyContext(settings, platform, snapshot, deps) {
    return {
        settings,
        platform,
        probe: deps.probe,
        healthUrl: healthUrlFor(settings, snapshot),
        switchoverMs: snapshot.switchoverSeconds * 1000,
        signal: deps.signal,
    };
}
/** Reads the live release and the rollback target, and says what the user should know. */
async function takeSnapshot(platform, record, deps) {
    const snapshot = await (0,run_record/* phase */.O)(record, 'snapshot', deps.now, async (done) => {
        const found = await platform.snapshot();
        done('ok', `live: ${found.current.label}`);
        return found;
    });
    record.previous = snapshot.current;
    if (snapshot.webUrl !== '')
        record.webUrl = snapshot.webUrl;
    for (const notice of snapshot.notices) {
        // A second snapshot (after waiting for another deploy) says most of them again.
        if (record.notices.includes(notice))
            continue;
        record.notices.push(notice);
        core/* notice */.lm(notice, { title: 'guarded-deploy' });
    }
    return snapshot;
}
/** The `verify` phase of the timeline: both views of `release`, recorded for the summary. */
function verifyPhase(record, deps, context, release) {
    return (0,run_record/* phase */.O)(record, 'verify', deps.now, async (done) => {
        const result = await (0,verify_release/* verifyRelease */.V)(context, release, true);
        record.health = result.health;
        record.verdict = result.kind;
        record.instances = result.instances;
        done(result.healthy ? 'ok' : 'failed', result.reason);
        return result;
    });
}
/** The release live now, polled a few times with the same criteria before the push: a later
 * failure the same way points at the check, not the release. Its `version-url` too, side by
 * side, when set. Short, and never fatal. */
async function baselinePhase(record, deps, context) {
    const { health } = context.settings;
    return (0,run_record/* phase */.O)(record, 'baseline', deps.now, async (done) => {
        const [report, version] = await Promise.all([
            probeBaseline(context.healthUrl, health.criteria, health.intervalMs, deps.probe, deps.signal),
            health.version === undefined
                ? undefined
                : probeVersionBaseline(health.version, health.intervalMs, deps.probe, deps.signal),
        ]);
        record.baseline = { ...report, version };
        core/* info */.pq(`Baseline of the live release at ${context.healthUrl}: ${report.summary}`);
        if (version !== undefined) {
            core/* info */.pq(`Baseline of the live release at ${version.url}: ${version.summary}`);
        }
        const passed = report.passes > 0 && (version === undefined || version.passes > 0);
        const versionWords = version === undefined ? '' : `; version-url: ${version.summary}`;
        done(passed ? 'ok' : 'failed', `${report.summary}${versionWords}`);
        return record.baseline;
    });
}
/** `mode: deploy`. Fills `record`; throws only for what it did not understand. With
 * `environment` set, a GitHub deployment records it: created first (a missing permission
 * fails before anything else), `in_progress` at the push, the outcome at the end. */
async function runDeploy(settings, deps, record) {
    const tracker = deps.deployments(settings);
    if (tracker === undefined || settings.environment === undefined) {
        await deployGated(settings, deps, record, undefined);
        return;
    }
    const environment = settings.environment;
    const deployment = await (0,run_record/* phase */.O)(record, 'github deployment', deps.now, async (done) => {
        const created = await tracker.createDeployment({
            sha: settings.run.sha,
            environment,
            production: (0,deployments/* looksLikeProduction */.lF)(environment),
            platform: settings.platform,
            app: settings.app,
            description: `guarded-deploy of ${settings.run.sha.slice(0, 12)} to ${settings.app}`,
            ticket: (0,deploy_queue/* ticketOf */.We)(settings),
        });
        done('ok', `deployment ${created.id} in ${environment}`);
        return created;
    });
    const logUrl = (0,deployments/* runLogUrl */.lm)({
        serverUrl: settings.run.serverUrl,
        owner: settings.run.owner,
        repo: settings.run.repo,
        runId: settings.run.runId,
        attempt: settings.run.attempt,
    });
    // Its id is its place in the queue of deploys of the app: it waits for lower ones only.
    const deploysAhead = (0,deploy_queue/* queueReader */.pd)(tracker, environment, settings, deployment.id, deps.now);
    try {
        const onPushStart = async () => {
            await tracker.setStatus(deployment.id, 'in_progress', {
                logUrl,
                description: `Deploying to ${settings.app}`,
            });
        };
        await deployGated(settings, deps, record, onPushStart, deploysAhead);
    }
    finally {
        await recordDeployment(tracker, deployment, record, logUrl);
    }
}
async function recordDeployment(tracker, deployment, record, logUrl) {
    try {
        await tracker.recordOutcome(deployment, record.result ?? 'failed', {
            logUrl,
            ...(record.webUrl === undefined ? {} : { environmentUrl: record.webUrl }),
            ...(record.release === undefined ? {} : { release: record.release.label }),
            ...(record.previous === undefined ? {} : { previousRelease: record.previous.label }),
            ...(record.cause === undefined ? {} : { reason: record.cause }),
        });
    }
    catch (error) {
        core/* warning */.$e(`Could not record the GitHub deployment status: ${(0,errors/* errorMessage */.gJ)(error)}`, {
            title: 'Deployment status not recorded',
        });
    }
}
/** The `gate` phase: whether the required jobs passed; a refusal is recorded as the result. */
async function passGate(settings, deps, record) {
    const gate = await (0,run_record/* phase */.O)(record, 'gate', deps.now, async (done) => {
        const jobs = await deps.listJobs(settings);
        const verdict = judgeGate({
            jobs,
            requireJobs: settings.requireJobs,
            needs: settings.needs,
            selfRunnerName: settings.run.runnerName,
            attempt: settings.run.attempt,
        });
        record.gate = verdict;
        done(verdict.pass ? 'ok' : 'refused', verdict.pass ? `${jobs.length} jobs listed` : (verdict.problems[0] ?? ''));
        return verdict;
    });
    if (!gate.pass) {
        record.result = 'refused';
        record.cause = `Refused to deploy: ${gate.problems.join('; ')}`;
        record.appState = 'nothing was pushed; the live release is unchanged';
        return false;
    }
    throwIfCancelled(deps.signal, 'the gate');
    return true;
}
async function deployGated(settings, deps, record, onPushStart, deploysAhead) {
    if (!(await passGate(settings, deps, record)))
        return;
    const platform = deps.createPlatform(settings);
    try {
        await deployWith(platform, settings, deps, record, onPushStart, deploysAhead);
    }
    finally {
        await platform.close();
    }
}
async function deployWith(platform, settings, deps, record, onPushStart, deploysAhead) {
    const ready = await readyToPush(platform, settings, deps, record, deploysAhead);
    if (ready === undefined)
        return;
    const { snapshot, context } = ready;
    await onPushStart?.();
    // From here on the platform may change: the post step must know what to restore.
    (0,state/* savePlan */.hp)(snapshot.restore);
    (0,state/* saveStage */.ev)('deploying');
    let pushStarted = false;
    let liveChanged = true;
    let appLogs;
    try {
        const release = await (0,run_record/* phase */.O)(record, 'push', deps.now, async (done) => {
            pushStarted = true;
            const pushed = await untilCancelled(core/* group */.Os(`Build and release of ${settings.run.sha}`, () => 
            // Build and flyctl output is not ours: none of its lines may act on the runner.
            (0,untrusted_output/* withUntrustedEcho */.yQ)((log) => platform.push(settings.run.sha, log, deps.signal))), deps.signal, 'the push');
            done('ok', `released ${pushed.label}`);
            return pushed;
        });
        record.release = release;
        (0,state/* saveRelease */.DR)(release);
        throwIfCancelled(deps.signal, 'the push');
        const verdict = await verifyPhase(record, deps, context, release);
        throwIfCancelled(deps.signal, 'the health check');
        if (verdict.healthy) {
            record.result = 'deployed';
            (0,state/* saveStage */.ev)('settled');
            await recordArtifact(platform, release, record);
            return;
        }
        const judged = verdict.kind === 'inconclusive' ? 'could not be judged' : 'is unhealthy';
        record.cause = `New release ${release.label} ${judged}: ${verdict.reason}`;
        // Asked now, read after the rollback request has left: it never delays it.
        appLogs = fetchAppLogs(platform, release);
    }
    catch (error) {
        // A cancelled job leaves the rollback to the post step: main has seconds, not minutes.
        if (error instanceof errors/* Cancelled */.cJ || deps.signal.aborted)
            throw error;
        const message = (0,errors/* errorMessage */.gJ)(error);
        record.cause = (0,errors/* firstLine */.TM)(message);
        // The details may quote build or flyctl output.
        if (message !== record.cause)
            (0,untrusted_output/* withUntrustedLines */.Uv)(message);
        if (error instanceof errors/* DeployError */.sH)
            liveChanged = error.liveChanged;
        if (error instanceof errors/* DeployError */.sH && error.neverLive)
            record.neverLive = error.neverLive;
    }
    await deploy_recover(settings, context, snapshot.restore, record, deps, pushStarted, liveChanged);
    if (appLogs !== undefined)
        showAppLogs(record, await appLogs);
    (0,state/* saveStage */.ev)('settled');
}
/** The condemned release's own lines: in the log (as untrusted text) and the summary. */
function showAppLogs(record, logs) {
    const took = `${Math.round(logs.elapsedMs)} ms`;
    if (logs.lines.length === 0) {
        core/* info */.pq(`The app's own logs could not be read (${took}): ${logs.note ?? 'none kept'}`);
        return;
    }
    core/* info */.pq(`The app's own logs: ${logs.lines.length} lines read in ${took}, beside the rollback`);
    record.appLogs = logs.lines;
    core/* startGroup */.Oh(`Last ${logs.lines.length} ${(0,summary_logs/* appLogsWhose */.J)(record.platform)}`);
    (0,untrusted_output/* withUntrustedLines */.Uv)(logs.lines.join('\n'));
    core/* endGroup */.N4();
}
/** After a failure: find out what is live, roll back if needed, verify, and say the truth. */
async function deploy_recover(settings, context, plan, record, deps, pushStarted, liveChanged) {
    const { target } = plan;
    let previousIsLive = true;
    if ((0,decide/* mustReadLive */.K1)(pushStarted, liveChanged)) {
        previousIsLive = undefined;
        try {
            // A build whose creation had an unknown outcome may still release: wait for it first.
            await context.platform.settle?.(SETTLE_TIMEOUT_MS);
            previousIsLive = (0,platform/* sameRelease */.O)(await context.platform.liveRelease(), target);
        }
        catch (error) {
            core/* warning */.$e(`Could not read the live release: ${(0,errors/* errorMessage */.gJ)(error)}`);
        }
    }
    const next = (0,decide/* decideAfterFailure */.ZG)({
        pushStarted,
        previousIsLive,
        rollbackEnabled: settings.rollback,
        previous: (0,release_words/* describeRelease */.NC)(settings.platform, target),
    });
    record.result = 'failed';
    if (next.kind === 'stop') {
        record.appState = next.appState;
        if (next.showRecovery) {
            record.recovery = (0,recover/* recoveryCommand */.V5)(settings.platform, settings.app, target);
        }
        return;
    }
    const cause = record.cause ?? 'the deploy failed';
    const outcome = await (0,recover/* rollbackAndVerify */.zg)(context, plan, record, deps);
    if (outcome.ok)
        record.result = 'rolled-back';
    (0,recover/* reportRollback */.RB)(record, context, target, outcome, cause);
}


/***/ }),

/***/ 3008:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   RB: () => (/* binding */ reportRollback),
/* harmony export */   V5: () => (/* binding */ recoveryCommand),
/* harmony export */   zg: () => (/* binding */ rollbackAndVerify)
/* harmony export */ });
/* unused harmony export ROLLBACK_ATTEMPTS */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6421);
/* harmony import */ var _io_untrusted_output_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5862);
/* harmony import */ var _io_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5626);
/* harmony import */ var _platforms_platform_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4325);
/* harmony import */ var _run_record_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3739);
/* harmony import */ var _verify_verify_release_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7871);
/* harmony import */ var _report_release_words_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(4715);
// Rollback to a known release and verify it, retried within a budget: the one path every
// failure takes (deploy mode, manual rollback, the post step after a cancellation).







const ROLLBACK_ATTEMPTS = 3;
const RETRY_DELAY_MS = 2_000;
/**
 * Makes `plan.target` live again and verifies it, retried up to ROLLBACK_ATTEMPTS. Each attempt
 * reads what is live first: the rollback write is never sent when the target is live. An
 * unhealthy restored release is not retried: the same release would be just as unhealthy.
 */
async function rollbackAndVerify(context, plan, record, deps) {
    const { platform } = context;
    const { target } = plan;
    let lastError = 'no attempt was made';
    for (let attempt = 1; attempt <= ROLLBACK_ATTEMPTS; attempt += 1) {
        let restored;
        try {
            restored = await (0,_run_record_js__WEBPACK_IMPORTED_MODULE_3__/* .phase */ .O)(record, 'rollback', deps.now, async (done) => {
                // Read before writing: an earlier attempt, or a cancelled main, may have done it.
                const live = await platform.liveRelease();
                if ((0,_platforms_platform_js__WEBPACK_IMPORTED_MODULE_5__/* .sameRelease */ .O)(live, target)) {
                    done('ok', `attempt ${attempt}: ${target.label} was live already`);
                    return live;
                }
                const release = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Rollback to ${target.label}`, () => (0,_io_untrusted_output_js__WEBPACK_IMPORTED_MODULE_1__/* .withUntrustedEcho */ .yQ)((log) => platform.rollback(plan, log)));
                const words = (0,_report_release_words_js__WEBPACK_IMPORTED_MODULE_6__/* .rollbackAttemptWords */ .fU)(context.settings.platform, target, release);
                done('ok', `attempt ${attempt}: ${words}`);
                return release;
            });
        }
        catch (error) {
            lastError = (0,_io_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .firstLine */ .TM)((0,_io_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .errorMessage */ .gJ)(error));
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Rollback attempt ${attempt} of ${ROLLBACK_ATTEMPTS} failed: ${lastError}`, {
                title: 'Rollback attempt failed',
            });
            if (context.signal.aborted) {
                throw new _io_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .Cancelled */ .cJ('The job was cancelled during the rollback');
            }
            if (attempt < ROLLBACK_ATTEMPTS)
                await deps.sleep(RETRY_DELAY_MS * attempt);
            continue;
        }
        record.rollbackRelease = restored;
        // A cancelled job hands the verification to the post step rather than judge it aborted.
        if (context.signal.aborted)
            throw new _io_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .Cancelled */ .cJ('The job was cancelled during the rollback');
        const verdict = await (0,_run_record_js__WEBPACK_IMPORTED_MODULE_3__/* .phase */ .O)(record, 'verify rollback', deps.now, async (done) => {
            const result = await (0,_verify_verify_release_js__WEBPACK_IMPORTED_MODULE_4__/* .verifyRelease */ .V)(context, restored, false);
            record.rollbackHealth = result.health;
            record.rollbackInstances = result.instances;
            done(result.healthy ? 'ok' : 'failed', result.reason);
            return result;
        });
        if (verdict.healthy)
            return { ok: true, restored };
        return {
            ok: false,
            error: `the restored release ${restored.label} is unhealthy: ${verdict.reason}`,
        };
    }
    return { ok: false, error: lastError };
}
/** Writes the outcome of a rollback into the record, in capitals when it failed. */
function reportRollback(record, context, target, outcome, cause) {
    if (outcome.ok) {
        record.rolledBack = true;
        const { platform } = context.settings;
        record.appState = `${(0,_report_release_words_js__WEBPACK_IMPORTED_MODULE_6__/* .rolledBackWords */ .ff)(platform, target, outcome.restored)}, verified healthy`;
        record.cause = `${withoutEndStop(cause)}; ${(0,_report_release_words_js__WEBPACK_IMPORTED_MODULE_6__/* .rolledBackWords */ .ff)(platform, target)}, verified healthy`;
        return;
    }
    const { settings } = context;
    record.result = 'failed';
    record.recovery = recoveryCommand(settings.platform, settings.app, target);
    record.appState = 'THE APP MAY BE DOWN';
    record.cause =
        `${withoutEndStop(cause)}; ROLLBACK TO ${target.label} FAILED: ${withoutEndStop(outcome.error)}. ` +
            `THE APP MAY BE DOWN. Recover by hand: ${record.recovery}`;
}
/** A cause with more to come after it: no stop before the `;` that joins them. */
function withoutEndStop(cause) {
    return cause.replace(/[\s.;:,]+$/, '');
}
// The exact command a person runs to put the app back by hand when the action could not.
function recoveryCommand(platform, app, target) {
    switch (platform) {
        case 'heroku':
            return `heroku releases:rollback ${target.label} --app ${app}`;
        case 'fly':
            return `fly deploy --app ${app} --image ${target.id}`;
    }
}


/***/ }),

/***/ 3739:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O: () => (/* binding */ phase),
/* harmony export */   p: () => (/* binding */ newRunRecord)
/* harmony export */ });
/* harmony import */ var _io_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5626);

function newRunRecord(platform, app, startedAt) {
    return {
        platform,
        app,
        startedAt,
        mode: 'deploy',
        result: undefined,
        cause: undefined,
        appState: undefined,
        previous: undefined,
        release: undefined,
        rollbackRelease: undefined,
        rolledBack: false,
        healthUrl: undefined,
        webUrl: undefined,
        gate: undefined,
        health: undefined,
        baseline: undefined,
        verdict: undefined,
        appLogs: undefined,
        rollbackHealth: undefined,
        instances: undefined,
        rollbackInstances: undefined,
        recovery: undefined,
        notices: [],
        phases: [],
        logs: [],
    };
}
/** Runs `work` as a named phase of the timeline; a throw marks it failed and propagates. */
async function phase(record, name, now, work) {
    const start = now();
    const entry = {
        name,
        startMs: start - record.startedAt.getTime(),
        durationMs: 0,
        outcome: 'ok',
        detail: '',
    };
    record.phases.push(entry);
    const done = (outcome, detail = '') => {
        entry.outcome = outcome;
        entry.detail = detail;
    };
    try {
        return await work(done);
    }
    catch (error) {
        entry.outcome = 'failed';
        if (entry.detail === '')
            entry.detail = error instanceof Error ? error.message : String(error);
        if (error instanceof _io_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DeployError */ .sH && error.output !== undefined)
            record.logs.push(error.output);
        throw error;
    }
    finally {
        entry.durationMs = now() - start;
    }
}


/***/ }),

/***/ 5004:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  C7: () => (/* binding */ loadState),
  hp: () => (/* binding */ savePlan),
  DR: () => (/* binding */ saveRelease),
  ev: () => (/* binding */ saveStage)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6421);
// EXTERNAL MODULE: ./lib/settings/names.js
var names = __webpack_require__(9285);
;// CONCATENATED MODULE: ./lib/platforms/restore-plan.js
function asRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? value
        : undefined;
}
function parseSavedRelease(value) {
    const record = asRecord(value);
    const { id, label, content, image } = record ?? {};
    if (typeof id !== 'string' || typeof label !== 'string')
        return undefined;
    return {
        id,
        label,
        ...(typeof content === 'string' ? { content } : {}),
        ...(typeof image === 'string' ? { image } : {}),
    };
}
function parseMachine(value) {
    const entry = asRecord(value);
    const config = asRecord(entry?.config);
    const { id, region, instanceId, configImage, digest, image, state, incompleteConfig } = entry ?? {};
    if (typeof id !== 'string' ||
        typeof region !== 'string' ||
        typeof instanceId !== 'string' ||
        typeof configImage !== 'string' ||
        typeof image !== 'string' ||
        (digest !== undefined && typeof digest !== 'string') ||
        config === undefined) {
        return undefined;
    }
    // A plan saved without a state (an older run) restores every machine started.
    const saved = typeof state === 'string' ? state : 'started';
    const partial = incompleteConfig === true ? { incompleteConfig: true } : {};
    return { id, region, instanceId, config, configImage, digest, image, state: saved, ...partial };
}
function parseConfigs(value) {
    const record = asRecord(value);
    if (record === undefined)
        return undefined;
    const configs = {};
    for (const [id, config] of Object.entries(record)) {
        const parsed = asRecord(config);
        if (parsed === undefined)
            return undefined;
        configs[id] = parsed;
    }
    return configs;
}
/** The plan `JSON.stringify` wrote, or undefined when the text is not one. */
function parseRestorePlan(text) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return undefined;
    }
    const record = asRecord(value);
    const target = parseSavedRelease(record?.target);
    if (record === undefined || target === undefined)
        return undefined;
    switch (record.kind) {
        case 'release':
            return { kind: 'release', target };
        case 'machines': {
            if (!Array.isArray(record.machines))
                return undefined;
            const machines = record.machines.map(parseMachine);
            if (machines.some((machine) => machine === undefined))
                return undefined;
            return { kind: 'machines', target, machines: machines.filter((m) => m !== undefined) };
        }
        case 'configs': {
            const configs = parseConfigs(record.configs);
            return configs === undefined ? undefined : { kind: 'configs', target, configs };
        }
        default:
            return undefined;
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./lib/flow/plan-file.js
// The restore plan kept in a file under RUNNER_TEMP, the saved state holding only its path and
// checksum: the post step receives saved state through an environment variable, and Linux
// refuses one string over 128 KiB (MAX_ARG_STRLEN), which a Fly app's machine configs pass at
// about 50 to 90 machines.



function sha256(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text, 'utf8').digest('hex');
}
/** Writes `text` to a file only this user can read (0600) in `dir`; where and its checksum. */
function writePlanFile(text, dir, name) {
    const file = external_node_path_.join(dir, `guarded-deploy-restore-plan-${name}.json`);
    (0,external_node_fs_.writeFileSync)(file, text, { encoding: 'utf8', mode: 0o600 });
    // The mode applies only when the file is created: set it on a rewrite too.
    (0,external_node_fs_.chmodSync)(file, 0o600);
    return { file, sha256: sha256(text) };
}
/** The reference, when `stateValue` is one. */
function parsePlanFileRef(stateValue) {
    try {
        const value = JSON.parse(stateValue);
        if (typeof value !== 'object' || value === null)
            return undefined;
        const { file, sha256: sum } = value;
        return typeof file === 'string' && typeof sum === 'string' ? { file, sha256: sum } : undefined;
    }
    catch {
        return undefined;
    }
}
/** The plan text, or undefined when the file is gone or not what was written. */
function readPlanFile(ref) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(ref.file, 'utf8');
    }
    catch {
        return undefined;
    }
    return sha256(text) === ref.sha256 ? text : undefined;
}

;// CONCATENATED MODULE: ./lib/flow/state.js
// What main leaves for the post step (core.saveState): enough to finish a rollback that a
// cancellation cut short. Written before each step that touches the platform.




function saveStage(stage) {
    core/* saveState */.LZ(names/* State */.Uw.Stage, stage);
}
/** The restore plan as a value, under the `target` key (the plan carries its target); in a
 * file under RUNNER_TEMP when the runner has one, the state holding its path and checksum. */
function savePlan(plan, env = process.env) {
    const text = JSON.stringify(plan);
    const dir = env.RUNNER_TEMP;
    const saved = dir ? JSON.stringify(writePlanFile(text, dir, String(process.pid))) : text;
    core/* saveState */.LZ(names/* State */.Uw.Target, saved);
}
/** The plan text main saved: from its file when the state names one. */
function planText(saved) {
    const ref = parsePlanFileRef(saved);
    return ref === undefined ? saved : readPlanFile(ref);
}
function saveRelease(release) {
    core/* saveState */.LZ(names/* State */.Uw.Release, JSON.stringify(release));
}
function parseRelease(text) {
    if (text === '')
        return undefined;
    try {
        return parseSavedRelease(JSON.parse(text));
    }
    catch {
        return undefined;
    }
}
function loadState() {
    const stage = core/* getState */.Gu(names/* State */.Uw.Stage);
    const plan = core/* getState */.Gu(names/* State */.Uw.Target);
    return {
        stage: stage === 'deploying' || stage === 'settled' ? stage : undefined,
        plan: plan === '' ? undefined : (parseRestorePlan(planText(plan) ?? '') ?? 'unreadable'),
        release: parseRelease(core/* getState */.Gu(names/* State */.Uw.Release)),
    };
}


/***/ }),

/***/ 4491:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ng: () => (/* binding */ retryRead),
/* harmony export */   c2: () => (/* binding */ statusOf),
/* harmony export */   rR: () => (/* binding */ headerOf),
/* harmony export */   zt: () => (/* binding */ rateLimitMessage)
/* harmony export */ });
/* unused harmony exports GITHUB_READ_RETRY, isRetryable */
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8500);
/* harmony import */ var _io_retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4670);
// Retrying idempotent GitHub API reads through octokit, shared by every module that calls GitHub.


/** GET is idempotent, so a read that hit a 5xx or a network error is simply done again. */
const GITHUB_READ_RETRY = {
    attempts: 3,
    baseMs: 500,
    maxMs: 2_000,
    budgetMs: 60_000,
};
function fieldOf(value, key) {
    return typeof value === 'object' && value !== null
        ? value[key]
        : undefined;
}
/** The HTTP status octokit attached to an error, if any. */
function statusOf(error) {
    const status = fieldOf(error, 'status');
    return typeof status === 'number' ? status : undefined;
}
/** A response header of an octokit error (names are lower-case). */
function headerOf(error, name) {
    const value = fieldOf(fieldOf(fieldOf(error, 'response'), 'headers'), name);
    return typeof value === 'string' ? value : undefined;
}
/** octokit reports network failures and timeouts as status 500 too: all worth another try,
 * and so is a 429 (secondary rate limit), after its Retry-After. */
function isRetryable(error) {
    const status = statusOf(error);
    return status !== undefined && (status >= 500 || status === 429);
}
/**
 * Runs `read` until it succeeds, retrying 5xx and network errors per `policy`. When it gives
 * up, throws what `explain` makes of the last error and the number of attempts made. Only for
 * requests that are safe to repeat (GET).
 */
async function retryRead(read, explain, policy = GITHUB_READ_RETRY) {
    const startedAt = Date.now();
    let lastError;
    let attempts = 0;
    while (attempts < policy.attempts) {
        attempts += 1;
        try {
            return await read();
        }
        catch (error) {
            lastError = error;
            if (!isRetryable(error))
                break;
            const retryAfter = headerOf(error, 'retry-after');
            const decision = (0,_io_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .nextRetry */ .GL)(attempts, Date.now() - startedAt, policy, retryAfter === undefined ? undefined : (0,_io_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .parseRetryAfterMs */ .oR)(retryAfter, Date.now()));
            if (!decision.retry)
                break;
            await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(decision.delayMs);
        }
    }
    throw explain(lastError, attempts);
}
/** GitHub's rate-limit answer (403/429 with no requests left), as one line; else undefined. */
function rateLimitMessage(error, detail) {
    const status = statusOf(error);
    if ((status !== 403 && status !== 429) || headerOf(error, 'x-ratelimit-remaining') !== '0') {
        return undefined;
    }
    const reset = headerOf(error, 'x-ratelimit-reset');
    const when = reset === undefined ? '' : ` (resets at ${new Date(Number(reset) * 1000).toISOString()})`;
    return `GitHub API rate limit exceeded${when}: ${detail}`;
}


/***/ }),

/***/ 970:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Io: () => (/* binding */ abortOnProcessSignals),
/* harmony export */   PO: () => (/* binding */ startCli),
/* harmony export */   ak: () => (/* binding */ runCli),
/* harmony export */   w$: () => (/* binding */ lastLines),
/* harmony export */   z1: () => (/* binding */ CliError)
/* harmony export */ });
/* unused harmony export childEnv */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var _tail_buffer_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2887);
/* harmony import */ var _untrusted_output_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5862);
// How this action starts child processes: always with an argument array (never a shell
// string), a timeout after which the child is stopped (a git that hangs is not left running),
// an environment without the runner's and the action's secrets, bounded output, and errors
// that say which command failed and why. Node's `child_process.spawn` rather than
// @actions/exec, which keeps the child to itself: it can be neither stopped on a timeout nor
// signalled when the job is cancelled. The runner sends SIGINT/SIGTERM to the action's process
// only, so a long `flyctl deploy` would keep going unless the action forwards the signal,
// waits for the child to stop, and only then decides what is live.
// - `runCli` for short commands (git): collects stdout, throws on a nonzero exit.
// - `startCli` for long-running ones (flyctl deploy): streams lines, can be stopped.



/** A command that exited nonzero, could not start, or ran past its timeout. */
class CliError extends Error {
    command;
    exitCode;
    stderr;
    name = 'CliError';
    constructor(command, 
    /** Undefined when the process did not finish (timeout, not found). */
    exitCode, stderr, message) {
        super(message);
        this.command = command;
        this.exitCode = exitCode;
        this.stderr = stderr;
    }
}
// Variables no child process of this action needs and some must never see: the action's own
// inputs (tokens among them), the runner's job token and OIDC request credentials, and
// platform tokens a workflow may have put in the job's environment. A child that needs a
// token gets it through `env` (flyctl: FLY_API_TOKEN).
const WITHHELD_PREFIXES = ['INPUT_', 'STATE_', 'ACTIONS_ID_TOKEN_REQUEST_', 'ACTIONS_RUNTIME_'];
const WITHHELD_NAMES = new Set([
    'ACTIONS_RESULTS_URL',
    'ACTIONS_CACHE_URL',
    'GITHUB_TOKEN',
    'GH_TOKEN',
    'FLY_API_TOKEN',
    'FLY_ACCESS_TOKEN',
    'HEROKU_API_KEY',
]);
/** The environment for a child: the action's minus the withheld variables, plus `extra`. */
function childEnv(extra, base = process.env) {
    const env = {};
    for (const [key, value] of Object.entries(base)) {
        if (value === undefined || WITHHELD_NAMES.has(key.toUpperCase()))
            continue;
        if (WITHHELD_PREFIXES.some((prefix) => key.toUpperCase().startsWith(prefix)))
            continue;
        env[key] = value;
    }
    return { ...env, ...extra };
}
const stderrTailLines = 10;
const keptStderrLines = 200;
/** git's answers to the questions asked here are a line or two; more is cut. */
const maxStdoutChars = 1024 * 1024;
const runCliGraceMs = 2_000;
async function runCli(command, args, options) {
    const name = displayName(command);
    const label = [name, summarize(args)].filter((word) => word !== '').join(' ');
    const echo = options.silent === true ? undefined : new _untrusted_output_js__WEBPACK_IMPORTED_MODULE_2__/* .UntrustedEcho */ .AT();
    if (echo !== undefined)
        echo.line(`[command]${command} ${args.join(' ')}`);
    let stdout = '';
    const stderr = new _tail_buffer_js__WEBPACK_IMPORTED_MODULE_1__/* .TailBuffer */ .vX(keptStderrLines);
    const running = spawnBounded(command, args, {
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        env: childEnv(options.env),
        timeoutMs: options.timeoutMs,
        graceMs: runCliGraceMs,
        firstSignal: 'SIGTERM',
        onStdout: (line, raw) => {
            if (stdout.length < maxStdoutChars)
                stdout += raw.slice(0, maxStdoutChars - stdout.length);
            echo?.line(line);
            options.onLine?.(line);
        },
        onStderr: (line) => {
            stderr.push(line);
            echo?.line(line);
            options.onLine?.(line);
        },
    });
    let ended;
    try {
        ended = await running;
    }
    catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new CliError(name, undefined, '', `${label} could not be run: ${reason}`);
    }
    finally {
        echo?.close();
    }
    const stderrText = stderr
        .lines()
        .map((line) => `${line}\n`)
        .join('');
    if (ended.stoppedBy !== undefined) {
        throw new CliError(name, undefined, stderrText, `${label} did not finish within ${options.timeoutMs} ms (stopped)`);
    }
    const exitCode = ended.exitCode ?? 128;
    if (exitCode !== 0 && options.ignoreReturnCode !== true) {
        const tail = lastLines(stderrText, stderrTailLines);
        throw new CliError(name, exitCode, stderrText, `${label} exited with code ${exitCode}` + (tail === '' ? '' : `:\n${tail}`));
    }
    return { exitCode, stdout, stderr: stderrText };
}
/** The last `count` non-empty lines of `text`. */
function lastLines(text, count) {
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    return lines.slice(-count).join('\n');
}
function displayName(command) {
    const parts = command.split(/[\\/]/);
    return parts[parts.length - 1] ?? command;
}
/** The subcommand for messages: the first arguments up to the first option. */
function summarize(args) {
    const words = [];
    for (const arg of args) {
        if (arg.startsWith('-') || words.length === 2)
            break;
        words.push(arg);
    }
    return words.join(' ');
}
const defaultGraceMs = 10_000;
const tailLines = 20;
/** Starts a long-running command whose lines stream to `onLine`; see the top of the file. */
function startCli(command, args, options) {
    const name = displayName(command);
    const tail = new _tail_buffer_js__WEBPACK_IMPORTED_MODULE_1__/* .TailBuffer */ .vX(tailLines);
    const emit = (line) => {
        tail.push(line);
        options.onLine(line);
    };
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    if (options.signal?.aborted)
        controller.abort();
    else
        options.signal?.addEventListener('abort', onAbort, { once: true });
    let pid;
    const running = spawnBounded(command, args, {
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        env: childEnv(options.env),
        timeoutMs: options.timeoutMs,
        graceMs: options.graceMs ?? defaultGraceMs,
        firstSignal: 'SIGINT',
        signal: controller.signal,
        onStdout: emit,
        onStderr: emit,
        onSpawn: (child) => (pid = child.pid),
    });
    const result = running.then((ended) => ({ ...ended, tail: tail.lines() }), (error) => {
        const reason = error instanceof Error ? error.message : String(error);
        throw new CliError(name, undefined, '', `${name} could not be run: ${reason}`);
    });
    const detach = () => options.signal?.removeEventListener('abort', onAbort);
    result.then(detach, detach);
    return {
        pid,
        result,
        stop: () => {
            controller.abort();
            return result;
        },
    };
}
/** Aborts `controller` when the action itself gets SIGINT or SIGTERM (a cancelled job);
 * returns the function that stops listening. While listening, those signals no longer end
 * the action's process: the caller stops its child and winds down instead. */
function abortOnProcessSignals(controller) {
    const signals = ['SIGINT', 'SIGTERM'];
    const handlers = signals.map((signal) => {
        const handler = () => controller.abort(new Error(`received ${signal}`));
        process.on(signal, handler);
        return [signal, handler];
    });
    return () => {
        for (const [signal, handler] of handlers)
            process.off(signal, handler);
    };
}
/** Spawns without a shell in its own process group; stops it (first signal, SIGTERM,
 * SIGKILL, `graceMs` apart) on timeout or abort. Rejects only when it could not start. */
function spawnBounded(command, args, options) {
    const ownGroup = process.platform !== 'win32';
    const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(command, [...args], {
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        // Its own process group, so a stop reaches whatever the child started too.
        detached: ownGroup,
    });
    options.onSpawn?.(child);
    let stoppedBy;
    let exited = false;
    const timers = [];
    const signals = [options.firstSignal, 'SIGTERM', 'SIGKILL'].filter((signal, index, all) => all.indexOf(signal) === index);
    const sendFrom = (index) => {
        const signal = signals[index];
        if (exited || signal === undefined)
            return;
        signalChild(child, signal, ownGroup);
        timers.push(setTimeout(() => sendFrom(index + 1), options.graceMs));
    };
    const stopping = (reason) => {
        if (exited || stoppedBy !== undefined)
            return;
        stoppedBy = reason;
        sendFrom(0);
    };
    const onAbort = () => stopping('abort');
    return new Promise((resolve, reject) => {
        const finish = () => {
            exited = true;
            for (const timer of timers)
                clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
        };
        const stdout = (0,_tail_buffer_js__WEBPACK_IMPORTED_MODULE_1__/* .lineSplitter */ .s1)(options.onStdout);
        const stderr = (0,_tail_buffer_js__WEBPACK_IMPORTED_MODULE_1__/* .lineSplitter */ .s1)(options.onStderr);
        child.stdout?.on('data', (chunk) => stdout.push(chunk));
        child.stderr?.on('data', (chunk) => stderr.push(chunk));
        child.once('error', (error) => {
            // Only a spawn failure is reported here when the child never ran.
            if (child.pid !== undefined)
                return;
            finish();
            reject(error);
        });
        // 'close' comes after the output streams ended, so no line is lost.
        child.once('close', (code, exitSignal) => {
            stdout.end();
            stderr.end();
            finish();
            resolve({ exitCode: code ?? undefined, exitSignal: exitSignal ?? undefined, stoppedBy });
        });
        timers.push(setTimeout(() => stopping('timeout'), options.timeoutMs));
        if (options.signal?.aborted)
            stopping('abort');
        else
            options.signal?.addEventListener('abort', onAbort, { once: true });
    });
}
function signalChild(child, signal, group) {
    try {
        if (group && child.pid !== undefined) {
            process.kill(-child.pid, signal);
            return true;
        }
    }
    catch {
        // The group is gone or was never made: signal the child itself.
    }
    return child.kill(signal);
}


/***/ }),

/***/ 5626:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   TM: () => (/* binding */ firstLine),
/* harmony export */   cJ: () => (/* binding */ Cancelled),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   hS: () => (/* binding */ InvalidInputs),
/* harmony export */   j$: () => (/* binding */ HttpError),
/* harmony export */   ng: () => (/* binding */ withTokenHint),
/* harmony export */   sH: () => (/* binding */ DeployError)
/* harmony export */ });
// One place that narrows `unknown` errors, and the error types the action raises on purpose.
/** The message of anything thrown, without a stack. */
function errorMessage(error) {
    if (error instanceof Error)
        return error.message;
    if (typeof error === 'string')
        return error;
    try {
        return JSON.stringify(error);
    }
    catch {
        return String(error);
    }
}
/** The first line of a message: annotations and `cause` are one line; details go to the log. */
function firstLine(message) {
    return message.split(/\r?\n/, 1)[0]?.trim() ?? '';
}
/** A bad `with:` value, found before any side effect. */
class InputError extends Error {
    input;
    name = 'InputError';
    constructor(input, message) {
        super(`Input '${input}': ${message}`);
        this.input = input;
    }
}
/** An HTTP answer that is not a success, with the platform's own error id and message. */
class HttpError extends Error {
    method;
    url;
    status;
    errorId;
    name = 'HttpError';
    constructor(method, url, status, errorId, message) {
        super(message);
        this.method = method;
        this.url = url;
        this.status = status;
        this.errorId = errorId;
    }
}
/** A 401/403 from a platform API, re-worded to say what to fix; anything else unchanged. */
function withTokenHint(error, hints) {
    if (!(error instanceof HttpError) || (error.status !== 401 && error.status !== 403)) {
        return error;
    }
    const what = error.status === 401 ? hints.refused : hints.forbidden;
    return new HttpError(error.method, error.url, error.status, error.errorId, `${what}. ${error.message}`);
}
/** A step of the deploy failed; `liveChanged` says whether the platform may now serve
 * something other than the release that was live before; `output` what it printed last;
 * `neverLive` a release the step made that never went live (a failed release phase). */
class DeployError extends Error {
    liveChanged;
    output;
    neverLive;
    name = 'DeployError';
    constructor(message, liveChanged, output, neverLive) {
        super(message);
        this.liveChanged = liveChanged;
        this.output = output;
        this.neverLive = neverLive;
    }
}
/** Every bad input at once, so a user fixes them in one go. */
class InvalidInputs extends Error {
    problems;
    name = 'InvalidInputs';
    constructor(problems) {
        super(problems.map((problem) => problem.message).join('; '));
        this.problems = problems;
    }
}
/** The job was cancelled: main stops here and leaves the rollback to the post step. */
class Cancelled extends Error {
    name = 'Cancelled';
}


/***/ }),

/***/ 4670:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GL: () => (/* binding */ nextRetry),
/* harmony export */   oR: () => (/* binding */ parseRetryAfterMs),
/* harmony export */   ur: () => (/* binding */ defaultRetryPolicy)
/* harmony export */ });
/* unused harmony export backoffDelayMs */
// Retry timing, kept pure (no timers): backoff with full jitter and `Retry-After` parsing.
const defaultRetryPolicy = {
    attempts: 5,
    baseMs: 500,
    maxMs: 8_000,
    budgetMs: 60_000,
};
/**
 * Wait before the next attempt after `attempt` (1-based) failed: a uniform random value in
 * [0, min(maxMs, baseMs * 2^(attempt-1))) — "full jitter", so that many clients spread out.
 */
function backoffDelayMs(attempt, policy, random = Math.random) {
    const exponent = Math.max(0, Math.floor(attempt) - 1);
    // 2^exponent overflows to Infinity for huge attempts; Math.min still caps it.
    const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
    const fraction = Math.min(Math.max(random(), 0), 1);
    return Math.floor(fraction * Math.max(0, ceiling));
}
/**
 * Milliseconds a `Retry-After` value asks to wait: delta-seconds or an HTTP date (relative to
 * `nowMs`). Undefined when absent or unreadable, so the caller falls back to its backoff.
 */
function parseRetryAfterMs(value, nowMs) {
    const raw = typeof value === 'string' || value == null ? value : value[0];
    if (typeof raw !== 'string')
        return undefined;
    const text = raw.trim();
    if (text === '')
        return undefined;
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    // Only dates with letters in them: Date.parse would also accept "1.5" or "-3".
    if (!/[a-z]/i.test(text))
        return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at))
        return undefined;
    return Math.max(0, at - nowMs);
}
/**
 * Decides whether attempt `attempt + 1` may run and after which wait. A server-requested wait
 * (`retryAfterMs`) replaces the backoff; when it or the backoff would overrun the budget, stop
 * instead of hammering early.
 */
function nextRetry(attempt, elapsedMs, policy, retryAfterMs, random = Math.random) {
    if (attempt >= policy.attempts) {
        return { retry: false, reason: `gave up after ${attempt} attempts` };
    }
    const delayMs = retryAfterMs ?? backoffDelayMs(attempt, policy, random);
    const remainingMs = policy.budgetMs - elapsedMs;
    if (delayMs > remainingMs) {
        const asked = retryAfterMs === undefined ? '' : ` (Retry-After asks for ${delayMs} ms)`;
        return {
            retry: false,
            reason: `retry budget of ${policy.budgetMs} ms would be exceeded${asked}`,
        };
    }
    return { retry: true, delayMs };
}


/***/ }),

/***/ 3869:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $l: () => (/* binding */ maskSecret),
/* harmony export */   $z: () => (/* binding */ cutBeforeSecrets),
/* harmony export */   dJ: () => (/* binding */ trimSecretStart),
/* harmony export */   fp: () => (/* binding */ redactSecrets)
/* harmony export */ });
/* unused harmony exports REDACTED, knownSecrets, forgetSecrets */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6421);
// The action's own secrets (API token, GitHub token, each Fly macaroon part) kept out of any
// platform text it copies into its log, summary, annotations or outputs. The runner masks
// registered secrets in the log and the step summary, but only whole values: a line cut
// through a token, or text escaped after the fact, would carry part of it past the masker.
// So platform text is redacted here first, before anything caps or escapes it.

/** What a secret becomes, as the runner's own masker writes it. */
const REDACTED = '***';
const registered = new Set();
/** Masks `value` in the job log (core.setSecret) and redacts it from platform text. */
function maskSecret(value) {
    if (value === '')
        return;
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(value);
    registered.add(value);
}
/** The secrets registered so far in this process. */
function knownSecrets() {
    return [...registered];
}
/** Replaces every occurrence of every secret with `***`; overlapping or touching
 * occurrences become one `***`, as the runner's masker merges them. */
function redactSecrets(text, secrets = knownSecrets()) {
    const ranges = [];
    for (const secret of secrets) {
        if (secret === '')
            continue;
        for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
            ranges.push([at, at + secret.length]);
        }
    }
    if (ranges.length === 0)
        return text;
    ranges.sort((a, b) => a[0] - b[0]);
    let out = '';
    let copied = 0;
    let end = -1;
    for (const [start, stop] of ranges) {
        if (start > end) {
            if (end !== -1)
                out += REDACTED;
            out += text.slice(copied, start);
        }
        end = Math.max(end, stop);
        copied = end;
    }
    return `${out}${REDACTED}${text.slice(copied)}`;
}
/** `text` cut to its first `max` characters; see trimSecretStart. */
function cutBeforeSecrets(text, max, secrets = knownSecrets()) {
    return text.length <= max ? text : trimSecretStart(text.slice(0, max), secrets);
}
/** `text` that was cut off at its end, less any end that starts a secret: the rest of that
 * secret is gone, so no whole value is left for a masker to find. */
function trimSecretStart(text, secrets = knownSecrets()) {
    let trim = 0;
    for (const secret of secrets) {
        for (let length = Math.min(secret.length - 1, text.length); length > trim; length--) {
            if (text.endsWith(secret.slice(0, length))) {
                trim = length;
                break;
            }
        }
    }
    return text.slice(0, text.length - trim);
}
/** Test hook: forgets the registered secrets. */
function forgetSecrets() {
    registered.clear();
}


/***/ }),

/***/ 2887:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   bB: () => (/* binding */ capLine),
/* harmony export */   s1: () => (/* binding */ lineSplitter),
/* harmony export */   vX: () => (/* binding */ TailBuffer)
/* harmony export */ });
/* unused harmony export MAX_LINE_CHARS */
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6193);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3869);
// The last lines of a process's or a stream's output, bounded in count and in line length,
// so a chatty build or a line without newlines cannot grow the action's memory.


/** Longest line kept; the rest is cut with a marker (a minified bundle can print megabytes). */
const MAX_LINE_CHARS = 64 * 1024;
/** Redacts the action's secrets (secrets.ts), then cuts the line to `max` characters with a
 * marker saying how much was dropped; a cut never leaves the start of a secret behind. */
function capLine(line, max = MAX_LINE_CHARS) {
    const text = (0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .redactSecrets */ .fp)(line);
    if (text.length <= max)
        return text;
    const kept = (0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .cutBeforeSecrets */ .$z)(text, max);
    return `${kept} … [${text.length - kept.length} more characters cut]`;
}
class TailBuffer {
    maxLines;
    kept = [];
    constructor(maxLines) {
        this.maxLines = maxLines;
    }
    push(line) {
        this.kept.push(capLine(line));
        if (this.kept.length > this.maxLines)
            this.kept.shift();
    }
    lines() {
        return [...this.kept];
    }
    get size() {
        return this.kept.length;
    }
}
/** Splits a byte stream into lines (LF or CRLF), decoding UTF-8 across chunk borders. A line
 * is capped (see capLine) and so is what waits for its line break: a stream without newlines
 * cannot grow the action's memory. */
function lineSplitter(emit) {
    const decoder = new node_string_decoder__WEBPACK_IMPORTED_MODULE_0__.StringDecoder('utf8');
    let pending = '';
    // Characters of the current line dropped beyond the cap, to report how many were cut.
    let dropped = 0;
    const emitLine = (line, raw) => {
        const text = line.endsWith('\r') ? line.slice(0, -1) : line;
        emit(cutLine(text, dropped), raw);
        dropped = 0;
    };
    const limit = MAX_LINE_CHARS + 1;
    const flushLines = () => {
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines)
            emitLine(line, `${line}\n`);
        if (pending.length > limit) {
            dropped += pending.length - limit;
            pending = pending.slice(0, limit);
        }
    };
    return {
        push(chunk) {
            pending += decoder.write(chunk);
            flushLines();
        },
        end() {
            pending += decoder.end();
            flushLines();
            if (pending !== '')
                emitLine(pending, pending);
            pending = '';
        },
    };
}
/** A line cut to at most MAX_LINE_CHARS with capLine's marker, counting `dropped` characters
 * that never reached memory; at most the cap, so a TailBuffer keeps it as it is. */
function cutLine(line, dropped) {
    const redacted = (0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .redactSecrets */ .fp)(line);
    const total = redacted.length + dropped;
    if (total <= MAX_LINE_CHARS)
        return redacted;
    // Cut already when characters were dropped (see lineSplitter): its end may start a secret.
    const text = dropped > 0 ? (0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .trimSecretStart */ .dJ)(redacted) : redacted;
    const kept = (0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .cutBeforeSecrets */ .$z)(text, MAX_LINE_CHARS - 64);
    return `${kept} … [${total - kept.length} more characters cut]`;
}


/***/ }),

/***/ 5862:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AT: () => (/* binding */ UntrustedEcho),
/* harmony export */   Uv: () => (/* binding */ withUntrustedLines),
/* harmony export */   yQ: () => (/* binding */ withUntrustedEcho)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6421);
/* harmony import */ var _tail_buffer_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2887);
// Output the action did not write (a build, a release phase, flyctl) echoed to the job log so
// that none of its lines acts on the runner: a line such as `::add-mask::`, `::error::` or
// `::stop-commands::` printed by an app's build must stay text. The toolkit's way: the lines
// go between `::stop-commands::<token>` and `::<token>::`, with a token the output cannot
// know (https://github.com/actions/toolkit/blob/main/docs/commands.md#stop-and-start-log-commands).



class UntrustedEcho {
    write;
    token = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(16).toString('hex');
    stopped = false;
    /** `write` gets each line of the job log as it is written (core.info by default). */
    constructor(write = (line) => _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .info */ .pq(line)) {
        this.write = write;
    }
    /** Echoes one line; the first opens the stop-commands block. */
    line = (text) => {
        if (!this.stopped) {
            this.write(`::stop-commands::${this.token}`);
            this.stopped = true;
        }
        // One line of the log: a line break inside would end up outside nothing, but is cut here
        // anyway so each echoed line is one log line of bounded length.
        for (const part of text.split(/\r?\n/))
            this.write((0,_tail_buffer_js__WEBPACK_IMPORTED_MODULE_2__/* .capLine */ .bB)(part));
    };
    /** Resumes workflow commands; call before the action writes its own commands again. */
    close() {
        if (!this.stopped)
            return;
        this.write(`::${this.token}::`);
        this.stopped = false;
    }
}
/** Runs `work` with an echo for untrusted lines, and resumes commands whatever happens. */
async function withUntrustedEcho(work) {
    const echo = new UntrustedEcho();
    try {
        return await work(echo.line);
    }
    finally {
        echo.close();
    }
}
/** Echoes text that may quote untrusted output (an error with a build's last lines). */
function withUntrustedLines(text) {
    const echo = new UntrustedEcho();
    echo.line(text);
    echo.close();
}


/***/ }),

/***/ 2528:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Yt: () => (/* binding */ ACTION_VERSION),
/* harmony export */   _O: () => (/* binding */ USER_AGENT),
/* harmony export */   px: () => (/* binding */ ACTION_NAME)
/* harmony export */ });
// Sent as User-Agent to every API, so platform logs show which tool made a call.
const ACTION_NAME = 'guarded-deploy';
const ACTION_VERSION = '0.1.0';
const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION}`;


/***/ }),

/***/ 5398:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ pollUntil)
/* harmony export */ });
// Reads a platform's state until it says done, waiting growing intervals in between: the one
// poll loop of both adapters. Clock and sleep are injected, so tests run it without timers.
/** Reads until `isDone(value)`, the deadline, or `maxPolls` waits; never throws on its own. */
async function pollUntil(read, isDone, clock, limits, options = {}) {
    const started = options.started ?? clock.now();
    let value = options.first === undefined ? await read() : options.first.value;
    for (let waits = 0;; waits += 1) {
        if (isDone(value))
            return { value, done: true };
        if (waits >= limits.maxPolls || clock.now() - started >= limits.timeoutMs) {
            return { value, done: false };
        }
        options.onWait?.(waits);
        const intervals = limits.intervalsMs;
        await clock.sleep(intervals[Math.min(waits, intervals.length - 1)] ?? 1_000);
        value = await read();
    }
}


/***/ }),

/***/ 4325:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O: () => (/* binding */ sameRelease)
/* harmony export */ });
// The one small interface every platform implements; the deploy flow only talks to this.
/** Whether `live` serves what `target` served: the same release, or a copy of its content. */
function sameRelease(live, target) {
    return live.id === target.id || (live.content !== undefined && live.content === target.content);
}


/***/ }),

/***/ 3667:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   JG: () => (/* binding */ currentDeployment),
/* harmony export */   T: () => (/* binding */ rollbackStatuses),
/* harmony export */   sm: () => (/* binding */ verifyStatus)
/* harmony export */ });
/* harmony import */ var _deployments_plan_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6940);
// What a GitHub deployment records in `mode: rollback` and `mode: verify`: pure decisions.

/**
 * A verified manual rollback moves the pointer: the rolled-back deployment goes `inactive`
 * first, then the new one `success`. Explicitly: the REST API description says
 * `auto_inactive` covers only non-production deployments (GitHub's 2018 changelog says
 * production ones too); posting `inactive` first keeps a second one from being added where
 * it does apply. A failed rollback fails the new deployment and leaves the current one.
 */
function rollbackStatuses(facts) {
    if (!facts.ok) {
        const why = facts.reason === undefined ? '' : `: ${facts.reason}`;
        return [
            {
                deployment: 'restored',
                state: 'failure',
                withEnvironmentUrl: false,
                description: (0,_deployments_plan_js__WEBPACK_IMPORTED_MODULE_0__/* .statusDescription */ .$U)(`Rollback to ${facts.target} failed${why}`),
            },
        ];
    }
    return [
        {
            deployment: 'rolledBack',
            state: 'inactive',
            withEnvironmentUrl: false,
            description: (0,_deployments_plan_js__WEBPACK_IMPORTED_MODULE_0__/* .statusDescription */ .$U)(`Rolled back to ${facts.target} by hand`),
        },
        {
            deployment: 'restored',
            state: 'success',
            withEnvironmentUrl: true,
            description: (0,_deployments_plan_js__WEBPACK_IMPORTED_MODULE_0__/* .statusDescription */ .$U)(`${facts.target} live again (rolled back from ${facts.from})`),
        },
    ];
}
/** `mode: verify` adds its verdict to the deployment that is current. */
function verifyStatus(release, healthy, reason) {
    return {
        deployment: 'current',
        state: healthy ? 'success' : 'failure',
        withEnvironmentUrl: healthy,
        description: (0,_deployments_plan_js__WEBPACK_IMPORTED_MODULE_0__/* .statusDescription */ .$U)(healthy
            ? `Verified: ${release} is live and healthy`
            : `${release} is live and UNHEALTHY${reason === undefined ? '' : `: ${reason}`}`),
    };
}
/**
 * The deployment that is current: the newest that went live (`success` at some point) and
 * has not been replaced since (its latest status is not `inactive`). A deploy that was rolled
 * back never had a `success`; a failed health check of a live one keeps it current.
 */
function currentDeployment(newestFirst) {
    const live = newestFirst.find((deployment) => deployment.states.includes('success') && deployment.states.at(-1) !== 'inactive');
    return live?.id;
}


/***/ }),

/***/ 6940:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $U: () => (/* binding */ statusDescription),
/* harmony export */   FP: () => (/* binding */ plannedStatuses),
/* harmony export */   lm: () => (/* binding */ runLogUrl)
/* harmony export */ });
/* unused harmony export MAX_STATUS_DESCRIPTION */
/* harmony import */ var _settings_names_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9285);
// What a GitHub deployment records for each outcome of the action: pure decisions and texts.

/** GitHub refuses longer status descriptions with a 422. */
const MAX_STATUS_DESCRIPTION = 140;
const ELLIPSIS = '…';
/**
 * `text` cut to GitHub's limit, ending in an ellipsis when cut. Counted in UTF-16 units (never
 * fewer than GitHub's characters) and never splitting a surrogate pair.
 */
function statusDescription(text) {
    const oneLine = text.replace(/\s+/g, ' ').trim();
    if (oneLine.length <= MAX_STATUS_DESCRIPTION)
        return oneLine;
    let cut = MAX_STATUS_DESCRIPTION - ELLIPSIS.length;
    const last = oneLine.charCodeAt(cut - 1);
    if (last >= 0xd800 && last <= 0xdbff)
        cut -= 1;
    return `${oneLine.slice(0, cut).trimEnd()}${ELLIPSIS}`;
}
/** The page of this run (attempt), used as the `log_url` of the statuses it posts. */
function runLogUrl(run) {
    const server = run.serverUrl.replace(/\/+$/, '');
    const repo = `${encodeURIComponent(run.owner)}/${encodeURIComponent(run.repo)}`;
    const base = `${server}/${repo}/actions/runs/${run.runId}`;
    return run.attempt === undefined ? base : `${base}/attempts/${run.attempt}`;
}
function given(value, fallback) {
    return value === undefined || value.trim() === '' ? fallback : value;
}
function because(text, reason) {
    return reason === undefined || reason.trim() === '' ? text : `${text}: ${reason}`;
}
function ours(state, description) {
    return {
        deployment: 'ours',
        state,
        withEnvironmentUrl: state === 'success',
        description: statusDescription(description),
    };
}
/**
 * The statuses to post, in order, once the outcome is known. A rollback fails our deployment
 * and makes the previous one current again with a fresh `success`; `refused` is `error` since
 * nothing was attempted, while `failed` is a `failure` of an attempted deploy. `verified`
 * (`mode: verify`) has no deployment of its own.
 */
function plannedStatuses(outcome, facts = {}) {
    const release = given(facts.release, 'the new release');
    // A Record rather than a switch: a new outcome without a plan does not compile.
    const plans = {
        [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Result */ .Q7.Deployed]: () => [ours('success', `Deployed ${release}; health check passed`)],
        [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Result */ .Q7.RolledBack]: () => [
            ours('failure', because(`Rolled back to ${given(facts.previousRelease, 'the previous release')}`, facts.reason)),
            {
                deployment: 'previous',
                state: 'success',
                withEnvironmentUrl: true,
                description: statusDescription(`Live again after the rollback of ${release}`),
            },
        ],
        [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Result */ .Q7.Refused]: () => [
            ours('error', `Not deployed: ${given(facts.reason, 'the required jobs did not pass')}`),
        ],
        [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Result */ .Q7.Failed]: () => [ours('failure', because('Deploy failed', facts.reason))],
        // `mode: verify` deploys nothing, so it records no deployment.
        [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Result */ .Q7.Verified]: () => [],
        // `mode: plan` changes nothing: no deployment either.
        [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Result */ .Q7.Planned]: () => [],
    };
    return plans[outcome]();
}


/***/ }),

/***/ 7570:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cn: () => (/* binding */ GitHubDeployments),
/* harmony export */   QM: () => (/* binding */ QUEUE_PAGE_SIZE),
/* harmony export */   ZZ: () => (/* binding */ PAYLOAD_BY),
/* harmony export */   lF: () => (/* binding */ looksLikeProduction),
/* harmony export */   lm: () => (/* reexport safe */ _deployments_plan_js__WEBPACK_IMPORTED_MODULE_2__.lm)
/* harmony export */ });
/* harmony import */ var _io_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5626);
/* harmony import */ var _gate_github_retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4491);
/* harmony import */ var _deployments_plan_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6940);
/* harmony import */ var _deployments_modes_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3667);
// Records the deploy as a GitHub deployment of an environment, with statuses as it goes.





/** `payload.by` of the deployments this action creates: the deploy queue looks only at them. */
const PAYLOAD_BY = 'guarded-deploy';
/** Deployments asked for per page when reading the queue (GitHub's most). */
const QUEUE_PAGE_SIZE = 100;
/** The permissions block the deploy job needs once `environment` is set. */
const PERMISSIONS_YAML = '`permissions: { actions: read, contents: read, deployments: write }`';
/** How many earlier deployments a rollback looks through for the one that was live. */
const MAX_RESTORE_CANDIDATES = 10;
/** `production`, `prod` and the like: GitHub then marks the deployment as production. */
function looksLikeProduction(environment) {
    return /^(prod|production)$/i.test(environment.trim());
}
class GitHubDeployments {
    octokit;
    repo;
    timeoutMs;
    constructor(octokit, repo, 
    /** Bounds each request (each attempt of a GET). */
    timeoutMs) {
        this.octokit = octokit;
        this.repo = repo;
        this.timeoutMs = timeoutMs;
    }
    /** Creates the deployment of `input.sha`. A POST: never retried. */
    async createDeployment(input) {
        const path = `${this.repoPath()}/deployments`;
        const what = `creating a deployment of ${input.sha.slice(0, 7)} to ${input.environment}`;
        const response = await this.write(what, path, (signal) => this.octokit.rest.repos.createDeployment({
            ...this.repo,
            ref: input.sha,
            environment: input.environment,
            auto_merge: false,
            required_contexts: [],
            transient_environment: false,
            production_environment: input.production,
            payload: {
                ...input.extraPayload,
                by: PAYLOAD_BY,
                platform: input.platform,
                app: input.app,
                run_id: input.ticket.runId,
                run_attempt: input.ticket.attempt,
                ...(input.ticket.job === undefined ? {} : { job: input.ticket.job }),
            },
            description: input.description,
            request: { signal },
        }));
        const data = response.data;
        const id = typeof data === 'object' && data !== null && 'id' in data ? data.id : undefined;
        if (response.status !== 201 || typeof id !== 'number') {
            throw new _io_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .HttpError */ .j$('POST', path, response.status, undefined, `${what} failed: GitHub answered ${response.status} without a deployment: ` +
                JSON.stringify(data));
        }
        return { id, environment: input.environment };
    }
    /** Posts a status; a `success` makes earlier deployments of the environment inactive. */
    async setStatus(deploymentId, state, details = {}) {
        const path = `${this.repoPath()}/deployments/${deploymentId}/statuses`;
        await this.write(`setting deployment ${deploymentId} to ${state}`, path, (signal) => this.octokit.rest.repos.createDeploymentStatus({
            ...this.repo,
            deployment_id: deploymentId,
            state,
            ...(details.environmentUrl ? { environment_url: details.environmentUrl } : {}),
            ...(details.logUrl ? { log_url: details.logUrl } : {}),
            ...(details.description === undefined
                ? {}
                : { description: (0,_deployments_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .statusDescription */ .$U)(details.description) }),
            ...(state === 'success' ? { auto_inactive: true } : {}),
            request: { signal },
        }));
    }
    /** Posts the final statuses `plannedStatuses` decides for `outcome`. */
    async recordOutcome(ours, outcome, details) {
        let restoredId;
        for (const planned of (0,_deployments_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .plannedStatuses */ .FP)(outcome, details)) {
            const target = planned.deployment === 'ours' ? ours.id : await this.findPrevious(ours);
            if (target === undefined)
                continue;
            if (planned.deployment === 'previous')
                restoredId = target;
            await this.setStatus(target, planned.state, {
                ...(planned.withEnvironmentUrl ? { environmentUrl: details.environmentUrl } : {}),
                logUrl: details.logUrl,
                description: planned.description,
            });
        }
        return { restoredId };
    }
    /** The deployment of `environment` that is current (`currentDeployment`), newest first among
     * the last few; undefined when none went live. */
    async findCurrent(environment) {
        for (const id of await this.deploymentIds(environment, MAX_RESTORE_CANDIDATES)) {
            const states = (await this.statesNewestFirst(id, 100)).reverse();
            if ((0,_deployments_modes_js__WEBPACK_IMPORTED_MODULE_3__/* .currentDeployment */ .JG)([{ id, states }]) !== undefined)
                return id;
        }
        return undefined;
    }
    /**
     * The most recent earlier deployment of the environment that was live: its latest status is
     * `success`, or `inactive` because a newer success (ours) replaced it. Failed or abandoned
     * ones are skipped.
     */
    async findPrevious(ours) {
        // Deployment ids grow with time, so a smaller id is an earlier deployment.
        const earlier = (await this.deploymentIds(ours.environment, 30))
            .filter((id) => id < ours.id)
            .sort((a, b) => b - a)
            .slice(0, MAX_RESTORE_CANDIDATES);
        for (const id of earlier) {
            // Newest first: one is enough.
            const [state] = await this.statesNewestFirst(id, 1);
            if (state === 'success' || state === 'inactive')
                return id;
        }
        return undefined;
    }
    /** One page of the environment's deployments, newest first as GitHub lists them. */
    listPage(environment, page) {
        return this.listDeployments(environment, QUEUE_PAGE_SIZE, page);
    }
    /** The state of a deployment's latest status; null when it has none yet. */
    async latestState(deploymentId) {
        const [state] = await this.statesNewestFirst(deploymentId, 1);
        return state ?? null;
    }
    /** The `status` of a workflow run of this repository (`completed`, `in_progress`, …);
     * `gone` when GitHub has no such run (deleted). Needs `actions: read`. */
    async runStatus(runId) {
        const path = `${this.repoPath()}/actions/runs/${runId}`;
        try {
            const run = await this.read(`reading workflow run ${runId}`, path, (signal) => this.octokit.rest.actions.getWorkflowRun({
                ...this.repo,
                run_id: runId,
                request: { signal },
            }));
            return run.data.status ?? 'unknown';
        }
        catch (error) {
            if (error instanceof _io_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .HttpError */ .j$ && error.status === 404)
                return 'gone';
            throw error;
        }
    }
    async deploymentIds(environment, perPage) {
        return (await this.listDeployments(environment, perPage)).map((deployment) => deployment.id);
    }
    /** The environment's deployments, newest first: `perPage` of them, from `page` if given. */
    async listDeployments(environment, perPage, page) {
        const path = `${this.repoPath()}/deployments`;
        const listed = await this.read(`listing the ${environment} deployments`, path, (signal) => this.octokit.rest.repos.listDeployments({
            ...this.repo,
            environment,
            per_page: perPage,
            ...(page === undefined ? {} : { page }),
            request: { signal },
        }));
        return listed.data.map((deployment) => ({
            id: deployment.id,
            sha: deployment.sha,
            createdAtMs: Date.parse(deployment.created_at),
            creator: deployment.creator?.login,
            payload: deployment.payload,
        }));
    }
    /** The states of a deployment's latest `perPage` statuses, newest first as GitHub lists them. */
    async statesNewestFirst(deploymentId, perPage) {
        const path = `${this.repoPath()}/deployments/${deploymentId}/statuses`;
        const listed = await this.read(`reading the statuses of deployment ${deploymentId}`, path, (signal) => this.octokit.rest.repos.listDeploymentStatuses({
            ...this.repo,
            deployment_id: deploymentId,
            per_page: perPage,
            request: { signal },
        }));
        return listed.data.map((status) => status.state);
    }
    repoPath() {
        return `/repos/${encodeURIComponent(this.repo.owner)}/${encodeURIComponent(this.repo.repo)}`;
    }
    read(what, path, call) {
        return (0,_gate_github_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .retryRead */ .Ng)(() => call(AbortSignal.timeout(this.timeoutMs)), (error, attempts) => this.explain(error, what, 'GET', path, attempts));
    }
    async write(what, path, call) {
        try {
            return await call(AbortSignal.timeout(this.timeoutMs));
        }
        catch (error) {
            throw this.explain(error, what, 'POST', path, 1);
        }
    }
    /** Turns a refusal into a message that says what to change; never includes the token. */
    explain(error, what, method, path, attempts) {
        const status = (0,_gate_github_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .statusOf */ .c2)(error);
        const detail = (0,_io_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(error);
        const fail = (code, message) => new _io_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .HttpError */ .j$(method, path, code, undefined, `${what} failed: ${message}`);
        const limited = (0,_gate_github_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .rateLimitMessage */ .zt)(error, detail);
        if (limited !== undefined && status !== undefined)
            return fail(status, limited);
        if (status === 403) {
            const accepted = (0,_gate_github_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .headerOf */ .rR)(error, 'x-accepted-github-permissions');
            const needs = accepted === undefined ? '' : ` (GitHub asks for ${accepted})`;
            return fail(403, `403 ${detail}${needs}. With \`environment\` set, the github-token must be allowed to ` +
                `write deployments; give the deploy job ${PERMISSIONS_YAML}`);
        }
        if (status === 401) {
            return fail(401, `401 ${detail}. The github-token was refused (expired or not a token)`);
        }
        if (status === 404) {
            const repo = `${this.repo.owner}/${this.repo.repo}`;
            return fail(404, `404 ${detail}. Not found: is GITHUB_API_URL right, and does the token have access to ` +
                `${repo}?`);
        }
        if (status !== undefined && status < 500)
            return fail(status, `${status} ${detail}`);
        if (method === 'POST') {
            // The request may have reached GitHub: repeating it could record the step twice.
            return new Error(`${what} failed (not retried, it may have taken effect): ${detail}`);
        }
        return new Error(`${what} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${detail}`);
    }
}


/***/ }),

/***/ 4715:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   NC: () => (/* binding */ describeRelease),
/* harmony export */   R1: () => (/* binding */ releaseImage),
/* harmony export */   fU: () => (/* binding */ rollbackAttemptWords),
/* harmony export */   ff: () => (/* binding */ rolledBackWords)
/* harmony export */ });
/* unused harmony export shortImage */
const DIGEST_CHARS = 12;
/** `registry.fly.io/app:tag@sha256:abc…` as `tag@sha256:abc123456789`. */
function shortImage(ref) {
    const [name = '', digest] = ref.split('@');
    const last = name.split('/').pop() ?? name;
    const colon = last.lastIndexOf(':');
    const tag = colon > 0 ? last.slice(colon + 1) : last;
    const hex = digest?.replace(/^sha256:/, '').slice(0, DIGEST_CHARS);
    return hex === undefined ? tag : `${tag}@sha256:${hex}`;
}
/** What a Fly release runs, as the machines' table shows it: tag and digest. */
function releaseImage(release) {
    return release.image ?? shortImage(release.id);
}
/** A release as a summary or a cause names it. */
function describeRelease(platform, release) {
    if (platform !== 'fly' || release.id.startsWith('mixed:') || !release.id.includes(':')) {
        return release.label;
    }
    return `${release.label} (${releaseImage(release)})`;
}
/** What a verified rollback did, for the cause and (with the release made) the app's state. */
function rolledBackWords(platform, target, restored) {
    if (platform === 'fly')
        return `every machine is back on ${describeRelease(platform, target)}`;
    return restored === undefined || restored.id === target.id
        ? `rolled back to ${target.label}`
        : `rolled back to ${target.label} (as ${restored.label})`;
}
/** One rollback attempt for the timeline. */
function rollbackAttemptWords(platform, target, restored) {
    if (platform === 'fly')
        return `machines back on ${describeRelease(platform, target)}`;
    return restored.id === target.id
        ? `${target.label} is live again`
        : `${restored.label} restores ${target.label}`;
}


/***/ }),

/***/ 4587:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Kn: () => (/* binding */ writeOutputs),
  Sy: () => (/* binding */ writeSummary)
});

// UNUSED EXPORTS: quantile, renderSummary

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6421);
// EXTERNAL MODULE: ./lib/settings/names.js
var names = __webpack_require__(9285);
// EXTERNAL MODULE: ./lib/io/errors.js
var errors = __webpack_require__(5626);
// EXTERNAL MODULE: ./lib/io/version.js
var version = __webpack_require__(2528);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./lib/io/child-process.js
var child_process = __webpack_require__(970);
;// CONCATENATED MODULE: ./lib/report/commit.js
// Which commit a run deployed, for the summary's first line: best effort, never fails a run.



const GIT_TIMEOUT_MS = 5_000;
/** The message of `sha` from the event payload: push events carry `head_commit`. */
async function subjectFromEvent(eventPath, sha) {
    if (eventPath === undefined || eventPath === '')
        return undefined;
    const payload = JSON.parse(await (0,promises_.readFile)(eventPath, 'utf8'));
    if (typeof payload !== 'object' || payload === null || !('head_commit' in payload)) {
        return undefined;
    }
    const head = payload.head_commit;
    if (typeof head !== 'object' || head === null)
        return undefined;
    const id = 'id' in head ? head.id : undefined;
    const message = 'message' in head ? head.message : undefined;
    return id === sha && typeof message === 'string' ? message : undefined;
}
/** The message of `sha` from the checkout, when the workflow checked the repository out. */
async function subjectFromGit(workspace, sha) {
    if (workspace === undefined || workspace === '')
        return undefined;
    const result = await (0,child_process/* runCli */.ak)('git', ['log', '-1', '--format=%s', sha], {
        cwd: workspace,
        timeoutMs: GIT_TIMEOUT_MS,
        silent: true,
        ignoreReturnCode: true,
    });
    return result.exitCode === 0 ? result.stdout : undefined;
}
/** The commit from the runner's GITHUB_* variables; undefined outside a workflow run. */
async function readCommitInfo(env, debug) {
    const sha = env.GITHUB_SHA;
    if (sha === undefined || sha === '')
        return undefined;
    const server = env.GITHUB_SERVER_URL;
    const repository = env.GITHUB_REPOSITORY;
    const url = server === undefined || server === '' || repository === undefined || repository === ''
        ? undefined
        : `${server}/${repository}/commit/${sha}`;
    let message;
    try {
        message =
            (await subjectFromEvent(env.GITHUB_EVENT_PATH, sha)) ??
                (await subjectFromGit(env.GITHUB_WORKSPACE, sha));
    }
    catch (error) {
        debug(`Could not read the commit message of ${sha}: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
    const subject = message?.split(/\r?\n/, 1)[0]?.trim();
    return { sha, url, subject: subject === '' ? undefined : subject };
}

// EXTERNAL MODULE: ./lib/report/release-words.js
var release_words = __webpack_require__(4715);
// EXTERNAL MODULE: ./lib/report/summary/markdown.js
var markdown = __webpack_require__(3308);
;// CONCATENATED MODULE: ./lib/report/summary/cause.js


function appNow(record) {
    if (record.appState !== undefined)
        return record.appState;
    if (record.result === 'deployed' && record.release !== undefined) {
        return `${(0,release_words/* describeRelease */.NC)(record.platform, record.release)} is live, verified healthy`;
    }
    return undefined;
}
/** The cause, the app's state and the recovery command, as paragraphs. */
function causeBlocks(record) {
    const blocks = [];
    if (record.cause !== undefined)
        blocks.push(`**Cause:** ${(0,markdown/* inline */.mG)(record.cause)}`);
    const now = appNow(record);
    if (now !== undefined)
        blocks.push(`**The app now:** ${(0,markdown/* inline */.mG)(now)}`);
    if (record.recovery !== undefined) {
        blocks.push(`**Recover by hand:**\n\n${(0,markdown/* fenced */.OF)([record.recovery], 'sh')}`);
    }
    for (const notice of record.notices)
        blocks.push(`> ${(0,markdown/* inline */.mG)(notice)}`);
    return blocks;
}

;// CONCATENATED MODULE: ./lib/report/summary/headline.js

const VERDICT = {
    deployed: { icon: '✅', words: 'Deployed' },
    verified: { icon: '✅', words: 'Healthy' },
    planned: { icon: '📋', words: 'Planned, nothing changed' },
    'rolled-back': { icon: '↩️', words: 'Failed, rolled back' },
    refused: { icon: '⛔', words: 'Refused' },
    failed: { icon: '❌', words: 'Failed' },
};
/** The platforms by the names their users know them by. */
const PLATFORM_NAME = { heroku: 'Heroku', fly: 'Fly.io' };
const SHORT_SHA = 7;
const SUBJECT_CHARS = 40;
function verdict(record, result) {
    const known = VERDICT[result] ?? { icon: '❔', words: result };
    let words = known.words;
    if (record.mode === 'rollback' && result === 'rolled-back')
        words = 'Rolled back by hand';
    if (record.mode === 'post')
        words = `Interrupted deploy: ${words.toLowerCase()}`;
    return `${known.icon} ${words}`;
}
/** Time from the run's start to the end of its last phase. */
function totalMs(record) {
    return Math.max(0, ...record.phases.map((entry) => entry.startMs + entry.durationMs));
}
function commitWords(commit) {
    const short = commit.sha.slice(0, SHORT_SHA);
    const sha = commit.url === undefined ? (0,markdown/* code */.aY)(short) : (0,markdown/* link */.nf)((0,markdown/* code */.aY)(short), commit.url);
    return commit.subject === undefined
        ? sha
        : `${sha} ${(0,markdown/* inline */.mG)((0,markdown/* clip */.$Q)(commit.subject, SUBJECT_CHARS))}`;
}
function headline(record, context) {
    const result = record.result ?? 'failed';
    const parts = [`${verdict(record, result)} ${(0,markdown/* code */.aY)(record.app)}`];
    const platform = PLATFORM_NAME[record.platform] ?? record.platform;
    parts.push(context.environment === undefined || context.environment === ''
        ? platform
        : `${platform}, ${(0,markdown/* inline */.mG)(context.environment)}`);
    if (context.commit !== undefined)
        parts.push(commitWords(context.commit));
    if (record.phases.length > 0)
        parts.push((0,markdown/* seconds */.YA)(totalMs(record)));
    // A third-level heading: the whole line fits the summary's width.
    return `### ${parts.join(' · ')}`;
}

;// CONCATENATED MODULE: ./lib/report/summary/health.js

const MARK = { pass: '🟩', fail: '🟥', noAnswer: '⬛' };
/** Marks that fit the strip's column on one line on GitHub's page (a mark is ~20 px wide;
 * the column gets ~400 px of a 1000 px page beside the other four, and 20 marks wrapped),
 * and those kept from each end of a longer run of polls. */
const STRIP_MAX = 16;
const STRIP_END = 7;
const BODY_CHARS = 200;
/** The value at quantile q (0..1) of sorted numbers, nearest-rank. */
function quantile(sorted, q) {
    if (sorted.length === 0)
        return NaN;
    const rank = Math.max(1, Math.ceil(q * sorted.length));
    return sorted[Math.min(rank, sorted.length) - 1] ?? NaN;
}
function mark(poll) {
    if (poll.pass)
        return MARK.pass;
    return poll.status === null ? MARK.noAnswer : MARK.fail;
}
/** One mark per poll; a long run keeps both ends, the shape of the start and of the end. */
function strip(polls) {
    const marks = polls.map(mark);
    if (marks.length <= STRIP_MAX)
        return marks.join('');
    const hidden = marks.length - STRIP_END * 2;
    return `${marks.slice(0, STRIP_END).join('')} …${hidden}… ${marks.slice(-STRIP_END).join('')}`;
}
function healthRow(label, report) {
    const latencies = report.polls.map((poll) => poll.latencyMs).sort((a, b) => a - b);
    const passed = report.polls.filter((poll) => poll.pass).length;
    return [
        label.replace(/ /g, markdown/* NBSP */.MK),
        report.polls.length === 0 ? '-' : strip(report.polls),
        `${passed}/${report.polls.length} in${markdown/* NBSP */.MK}${(0,markdown/* seconds */.YA)(report.elapsedMs)}: ${report.verdict}`,
        (0,markdown/* millis */.ne)(quantile(latencies, 0.5)),
        (0,markdown/* millis */.ne)(quantile(latencies, 0.95)),
    ];
}
/** What the app said last when it was judged unhealthy: status and the body's start. */
function lastAnswer(label, report) {
    const last = report.polls.at(-1);
    if (report.verdict === 'healthy' || report.verdict === 'passed' || last === undefined) {
        return undefined;
    }
    const body = last.body.replace(/\s+/g, ' ').trim();
    const answer = last.status === null
        ? `no answer (${last.reason})`
        : `status ${last.status}` +
            (body === '' ? ', empty body' : `, body ${(0,markdown/* code */.aY)((0,markdown/* clip */.$Q)(body, BODY_CHARS))}`);
    return `- Last answer to the ${label}: ${answer}`;
}
/** What the live release's version-url showed before the push, and whether it can tell the
 * new release from it. */
function versionLine(version) {
    const shows = version.shows === undefined ? 'gave no 2xx answer' : `showed ${(0,markdown/* code */.aY)((0,markdown/* clip */.$Q)(version.shows, 60))}`;
    const same = version.showsExpected
        ? ': the version expected of the new release already, so it cannot tell them apart'
        : '';
    return `- ${(0,markdown/* code */.aY)('version-url')} ${(0,markdown/* code */.aY)(version.url)} of the live release ${shows}${same}`;
}
function healthBlocks(record) {
    const { baseline, health } = record;
    const reports = [
        [
            'live before (baseline)',
            baseline && {
                ...baseline,
                verdict: baseline.passes === baseline.polls.length ? 'passed' : 'failed',
            },
        ],
        [
            'live before (version-url)',
            baseline?.version && {
                ...baseline.version,
                verdict: baseline.version.passes === baseline.version.polls.length ? 'passed' : 'failed',
            },
        ],
        ['new release', health && { ...health, verdict: record.verdict ?? health.verdict }],
        ['rollback', record.rollbackHealth],
    ];
    const shown = reports.filter((entry) => entry[1] !== undefined);
    if (shown.length === 0)
        return [];
    const legend = `${MARK.pass} passed · ${MARK.fail} failed · ${MARK.noAnswer} no answer`;
    const answers = shown.flatMap(([label, report]) => lastAnswer(label, report) ?? []);
    const version = baseline?.version && versionLine(baseline.version);
    return [
        `### Health of ${(0,markdown/* code */.aY)(record.healthUrl ?? '-')}`,
        (0,markdown/* table */.tp)(['release', 'polls in order', 'passed', 'p50', 'p95'], shown.map(([label, report]) => healthRow(label, report))),
        [`- ${legend}`, ...(version === undefined ? [] : [version]), ...answers].join('\n'),
    ];
}

// EXTERNAL MODULE: ./lib/report/summary/logs.js
var logs = __webpack_require__(7730);
;// CONCATENATED MODULE: ./lib/report/summary/tables.js


// Where people look at releases by hand.
const DASHBOARD = {
    heroku: (app) => `https://dashboard.heroku.com/apps/${app}/activity`,
    fly: (app) => `https://fly.io/apps/${app}/monitoring`,
};
function liveNow(record) {
    switch (record.result) {
        case 'deployed':
            return record.release;
        case 'rolled-back':
            return record.rollbackRelease;
        case 'refused':
        case 'verified':
        case 'planned':
            return record.previous;
        default:
            // Nothing was released and nothing needs recovering: the release before still serves.
            return record.release === undefined &&
                record.rollbackRelease === undefined &&
                record.recovery === undefined
                ? record.previous
                : undefined;
    }
}
/** A Heroku rollback is a new release with the old one's slug and config: say whose. */
function copyOf(record) {
    const { previous, rollbackRelease } = record;
    if (record.result !== 'rolled-back' || previous === undefined)
        return '';
    if (rollbackRelease === undefined || rollbackRelease.id === previous.id)
        return '';
    if (record.platform === 'fly')
        return '';
    return `, a copy of ${previous.label}`;
}
function releaseBlocks(record) {
    const { previous, release, rollbackRelease } = record;
    if ([previous, release, rollbackRelease].every((known) => known === undefined))
        return [];
    const live = liveNow(record);
    // Fly names a release by what its machines run: the image gets its own column.
    const fly = record.platform === 'fly';
    const row = (label, entry, note = '') => {
        const name = entry === undefined ? '-' : `${entry.label}${note}`;
        if (!fly)
            return [label, name];
        return [
            label,
            name,
            entry === undefined || !entry.id.includes(':') ? '-' : (0,release_words/* releaseImage */.R1)(entry),
        ];
    };
    const rows = [
        row('before', previous),
        release === undefined && record.neverLive !== undefined
            ? row('this deploy', record.neverLive, ', never live')
            : row('this deploy', release),
        row('rollback', rollbackRelease),
        live === undefined
            ? ['live now', record.appState ?? 'unknown', ...(fly ? ['-'] : [])]
            : row('live now', live, copyOf(record)),
    ];
    const dashboard = DASHBOARD[record.platform];
    return [
        '### Releases' +
            (dashboard === undefined
                ? ''
                : ` (${(0,markdown/* link */.nf)('dashboard', dashboard(encodeURIComponent(record.app)))})`),
        fly ? (0,markdown/* table */.tp)(['', 'release', 'machines run'], rows) : transpose(rows),
    ];
}
/** Label and value rows as one table row under a header of the labels. */
function transpose(rows) {
    return (0,markdown/* table */.tp)(rows.map((entry) => entry[0] ?? ''), [rows.map((entry) => entry[1] ?? '')]);
}
function gateVerdict(ok, note) {
    if (!ok)
        return `✗ ${note === '' ? 'refused' : note}`;
    return `✓ ${note === '' ? 'ok' : note}`;
}
function gateBlocks(record) {
    const gate = record.gate;
    if (gate === undefined)
        return [];
    return [
        '### Test gate',
        (0,markdown/* table */.tp)(['job', 'status', 'conclusion', 'required', 'verdict'], gate.rows.map((row) => [
            row.name,
            row.status,
            row.conclusion ?? '-',
            row.required ? 'yes' : 'no',
            gateVerdict(row.ok, row.note),
        ])),
    ];
}
function instanceBlocks(record) {
    const blocks = [];
    for (const [label, report] of [
        ['new release', record.instances],
        ['after the rollback', record.rollbackInstances],
    ]) {
        if (report === undefined || report.instances.length === 0)
            continue;
        // The platform's view, apart from the health check: a release can run as the platform
        // expects and still fail its check, and a bare "ok" under a failed check read as a
        // contradiction.
        const verdict = report.ok ? '✓ as expected' : '✗ NOT as expected';
        blocks.push(`### Instances, ${label} (the platform's view): ${verdict}`);
        blocks.push((0,markdown/* table */.tp)(['instance', 'region', 'runs', 'state', 'checks', 'ok'], report.instances.map((instance) => [
            instance.id,
            instance.region,
            instance.image,
            instance.state,
            instance.checks,
            instance.ok ? '✓' : '✗',
        ])));
    }
    return blocks;
}

;// CONCATENATED MODULE: ./lib/report/summary/plan.js

function planBlocks(record) {
    if (record.plan === undefined)
        return [];
    return [`### What a deploy would do\n\n${(0,markdown/* table */.tp)(['', 'plan'], record.plan)}`];
}

;// CONCATENATED MODULE: ./lib/report/summary/timeline.js

const OUTCOME = {
    ok: '✓ ok',
    failed: '✗ failed',
    refused: '✗ refused',
    skipped: '– skipped',
};
/** A failed phase's detail that the cause already says in full (the cause may open with
 * its own words, as "New release v4 is unhealthy: <the verify phase's detail>"). */
function sameAsCause(detail, cause) {
    const first = detail.split(/\r?\n/, 1)[0] ?? '';
    return first !== '' && cause !== undefined && cause.includes(first);
}
function timeline(record) {
    if (record.phases.length === 0)
        return [];
    return [
        '### Timeline',
        (0,markdown/* table */.tp)(['phase', 'start', 'took', 'outcome', 'detail'], record.phases.map((entry) => [
            // A phase's name on one line ("live commit", "verify rollback"), as the times are.
            entry.name.replace(/ /g, markdown/* NBSP */.MK),
            `+${(0,markdown/* seconds */.YA)(entry.startMs)}`,
            (0,markdown/* seconds */.YA)(entry.durationMs),
            OUTCOME[entry.outcome] ?? entry.outcome,
            entry.outcome !== 'ok' && sameAsCause(entry.detail, record.cause)
                ? 'the cause above'
                : entry.detail,
        ])),
    ];
}

;// CONCATENATED MODULE: ./lib/report/summary.js
// Turns the run record into the job summary (markdown) and the step outputs.














/** The job summary, markdown; written on every path. First what a person looks for: the
 * verdict, the cause and the app's state; then the evidence, long output folded. */
function renderSummary(record, context = {}) {
    const refused = record.result === 'refused';
    const parts = [
        headline(record, context),
        ...causeBlocks(record),
        ...planBlocks(record),
        ...(0,logs/* logBlocks */.V)(record),
        // A refusal's evidence is the gate: first; otherwise it is a detail.
        ...(refused ? gateBlocks(record) : []),
        ...healthBlocks(record),
        ...timeline(record),
        ...releaseBlocks(record),
        ...(refused ? [] : gateBlocks(record)),
        ...instanceBlocks(record),
    ];
    // The exact mode and result values, as a workflow's `if:` would compare them.
    const result = record.result ?? 'failed';
    parts.push(`<sub>${version/* ACTION_NAME */.px} ${version/* ACTION_VERSION */.Yt} · mode ${(0,markdown/* code */.aY)(record.mode)} · ` +
        `result ${(0,markdown/* code */.aY)(result)}</sub>`);
    return `${parts.join('\n\n')}\n`;
}
/** Renders and writes the job summary with the commit read from the runner; never throws. */
async function writeSummary(record) {
    try {
        const commit = await readCommitInfo(process.env, (message) => core/* debug */.Yz(message));
        const environment = core/* getInput */.V4(names/* Input */.pd.Environment);
        await core/* summary */.z.addRaw(renderSummary(record, { commit, environment })).write();
    }
    catch (error) {
        core/* warning */.$e(`Could not write the job summary: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
}
/** Sets every output; called on every path, so refusals and crashes have them too. */
function writeOutputs(record) {
    core/* setOutput */.uH(names/* Output */.k7.Result, record.result ?? 'failed');
    core/* setOutput */.uH(names/* Output */.k7.Release, record.release?.label ?? '');
    core/* setOutput */.uH(names/* Output */.k7.PreviousRelease, record.previous?.label ?? '');
    core/* setOutput */.uH(names/* Output */.k7.RolledBack, String(record.rolledBack));
    core/* setOutput */.uH(names/* Output */.k7.HealthUrl, record.healthUrl ?? '');
    core/* setOutput */.uH(names/* Output */.k7.Verdict, record.verdict ?? '');
    core/* setOutput */.uH(names/* Output */.k7.Artifact, record.result === 'deployed' ? (record.artifact ?? '') : '');
}


/***/ }),

/***/ 7730:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J: () => (/* binding */ appLogsWhose),
/* harmony export */   V: () => (/* binding */ logBlocks)
/* harmony export */ });
/* harmony import */ var _markdown_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3308);

function logBlocks(record) {
    const appLogs = record.appLogs ?? [];
    // The condemned release's own words, fetched from the platform's log endpoint. Fly's are
    // its machines' alone; a Heroku log session holds every dyno's, the old release's too.
    const whose = appLogsWhose(record.platform);
    const app = appLogs.length === 0 ? [] : [(0,_markdown_js__WEBPACK_IMPORTED_MODULE_0__/* .details */ .zH)(`Last ${appLogs.length} ${whose}`, (0,_markdown_js__WEBPACK_IMPORTED_MODULE_0__/* .fenced */ .OF)(appLogs))];
    return [...app, ...outputTails(record)];
}
/** Whose lines the app's log holds, as the fold and the log group name them. */
function appLogsWhose(platform) {
    return platform === 'heroku'
        ? "lines of the app's log (every dyno)"
        : 'log lines of the new release';
}
function outputTails(record) {
    return record.logs
        .filter((tail) => tail.lines.length > 0)
        .map((tail) => (0,_markdown_js__WEBPACK_IMPORTED_MODULE_0__/* .details */ .zH)(`${tail.title} (last ${tail.lines.length} line${tail.lines.length === 1 ? '' : 's'})`, (0,_markdown_js__WEBPACK_IMPORTED_MODULE_0__/* .fenced */ .OF)(tail.lines)));
}


/***/ }),

/***/ 3308:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $Q: () => (/* binding */ clip),
/* harmony export */   MK: () => (/* binding */ NBSP),
/* harmony export */   OF: () => (/* binding */ fenced),
/* harmony export */   YA: () => (/* binding */ seconds),
/* harmony export */   aY: () => (/* binding */ code),
/* harmony export */   mG: () => (/* binding */ inline),
/* harmony export */   ne: () => (/* binding */ millis),
/* harmony export */   nf: () => (/* binding */ link),
/* harmony export */   tp: () => (/* binding */ table),
/* harmony export */   zH: () => (/* binding */ details)
/* harmony export */ });
/* unused harmony export cell */
// Markdown building blocks for the job summary, safe for any text a platform prints: table
// cells stay one line, code fences outgrow any backtick run, and HTML-like text is escaped.
/** Between a number and its unit, so `+0.0 s` never wraps in a narrow column. */
const NBSP = '\u00a0';
const MAX_CELL_CHARS = 160;
function seconds(ms) {
    return `${(ms / 1000).toFixed(1)}${NBSP}s`;
}
function millis(ms) {
    return Number.isNaN(ms) ? '-' : `${Math.round(ms)}${NBSP}ms`;
}
/** Text shown as prose: `<`, `>` and `&` can never open HTML, the first line only. */
function inline(text) {
    const line = text.split(/\r?\n/, 1)[0] ?? '';
    return line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
/** Shortens to `max` characters with an ellipsis. */
function clip(text, max) {
    return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
/** One table cell: its first line only, clipped, pipes escaped. */
function cell(text) {
    return clip(inline(text).trim(), MAX_CELL_CHARS).replace(/\|/g, '\\|');
}
function table(header, rows) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [
        line(header.map(cell)),
        line(header.map(() => '---')),
        ...rows.map((row) => line(row.map(cell))),
    ].join('\n');
}
/** Inline code that no backtick in `text` can close early. */
function code(text) {
    const line = text.split(/\r?\n/, 1)[0] ?? '';
    const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
    const ticks = '`'.repeat(longest + 1);
    const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
    return `${ticks}${pad}${line}${pad}${ticks}`;
}
/** A fenced block longer than any backtick run in `lines`, so output cannot break out. */
function fenced(lines, language = 'text') {
    const longest = Math.max(2, ...lines.flatMap((line) => line.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(longest + 1);
    return [`${fence}${language}`, ...lines, fence].join('\n');
}
/** A folded block: the blank lines around the body let GitHub parse it as Markdown. */
function details(summary, body) {
    return `<details><summary>${inline(summary)}</summary>\n\n${body}\n\n</details>`;
}
function link(text, url) {
    return `[${text}](${url.replace(/[()\s]/g, encodeURIComponent)})`;
}


/***/ }),

/***/ 3700:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  mt: () => (/* binding */ getSettings)
});

// UNUSED EXPORTS: findOnPath, parseExpectedStatus, parseFlyctlArgs, parseHttpUrl, parseJobList, parseNeeds, parseSeconds

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6421);
// EXTERNAL MODULE: ./lib/io/errors.js
var errors = __webpack_require__(5626);
// EXTERNAL MODULE: ./lib/io/secrets.js
var secrets = __webpack_require__(3869);
// EXTERNAL MODULE: ./lib/io/version.js
var version = __webpack_require__(2528);
// EXTERNAL MODULE: ./lib/settings/names.js
var names = __webpack_require__(9285);
;// CONCATENATED MODULE: ./lib/settings/deploy-inputs.js
// The inputs that shape how a deploy meets the platform: `lock-wait` (another deploy in
// flight) and `artifact` (deploy exactly what an earlier run verified, no build).

/** Longest wait for another deploy: a job has six hours in all. */
const MAX_LOCK_WAIT_S = 6 * 3600;
/** A Heroku slug id: the schema's `slug/definitions/id`, a UUID. */
const SLUG_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** An image reference pinned by digest: `registry/repo[:tag]@sha256:<64 hex>`. */
const PINNED_IMAGE = /^[a-z0-9][A-Za-z0-9._\-/:]{0,200}@sha256:[0-9a-f]{64}$/;
/** `lock-wait` in whole seconds, as milliseconds; empty means 0 (refuse at once). */
function parseLockWait(value) {
    if (value === '')
        return 0;
    if (!/^\d{1,9}$/.test(value))
        return 'is not a whole number of seconds like 0 or 300';
    const seconds = Number(value);
    if (seconds > MAX_LOCK_WAIT_S)
        return `must be at most ${MAX_LOCK_WAIT_S} (six hours)`;
    return seconds * 1000;
}
/** What `artifact` must look like on `platform`, or a problem naming what is allowed. */
function artifactProblem(platform, value) {
    if (platform === 'heroku') {
        return SLUG_ID.test(value)
            ? undefined
            : 'is not a Heroku slug id (a UUID, the `artifact` output of a Heroku deploy)';
    }
    return PINNED_IMAGE.test(value)
        ? undefined
        : 'is not a Fly image pinned by digest like registry.fly.io/app:tag@sha256:<64 hex> ' +
            '(the `artifact` output of a Fly deploy)';
}
/** `artifact`: only for `mode: deploy`, never beside `image` (Fly). */
function readArtifact(reader, platform, mode) {
    const value = reader.raw(names/* Input */.pd.Artifact);
    if (value === '')
        return undefined;
    const problem = mode === 'deploy'
        ? artifactProblem(platform, value)
        : `only applies to mode: deploy (mode is ${mode})`;
    if (problem !== undefined) {
        reader.fail(names/* Input */.pd.Artifact, value, problem);
        return undefined;
    }
    if (platform === 'fly' && reader.raw(names/* Input */.pd.Image) !== '') {
        reader.fail(names/* Input */.pd.Artifact, value, 'and `image` are both set; pass one of them');
    }
    return value;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./node_modules/smol-toml/dist/index.js + 8 modules
var dist = __webpack_require__(3292);
// EXTERNAL MODULE: ./node_modules/shell-quote/index.js
var shell_quote = __webpack_require__(6591);
;// CONCATENATED MODULE: ./lib/platforms/fly/flyctl-args.js
// `flyctl-args` read the way flyctl reads its command line (cobra + pflag): `--flag=value`,
// `--flag value`, `-fvalue`, `-f value`, `-f=value`, bundled boolean shorthands (`-yv`), a
// boolean set with `--flag=false`, a repeated flag's last value winning, `--` ending flags.
// Refused when they change what or where is deployed, naming the input to use instead.
/** flyctl deploy's boolean flags (internal/command/deploy/deploy.go, internal/flag/flag.go,
 * global flags): they take no separate value word. Every other flag takes one. */
const BOOLEAN_FLAGS = new Set([
    'build-only',
    'buildkit',
    'debug',
    'detach',
    'dns-checks',
    'flycast',
    'force-machines',
    'ha',
    'https-failover',
    'local-only',
    'nixpacks',
    'no-cache',
    'no-public-ips',
    'now',
    'push',
    'recreate-builder',
    'remote-only',
    'skip-release-command',
    'smoke-checks',
    'update-only',
    'verbose',
    'wireguard',
    'yes',
]);
/** Shorthands flyctl deploy knows, to their long names. */
const SHORTHANDS = {
    a: 'app',
    c: 'config',
    e: 'env',
    i: 'image',
    s: 'signal',
    t: 'access-token',
    y: 'yes',
};
/** Aliases flyctl declares, to the flag they set. */
const ALIASES = { 'only-regions': 'regions' };
/** Flags that change what or where is deployed, and what to use instead. */
const REFUSED = {
    app: 'the app input',
    config: 'the fly-config input',
    image: 'the image input',
    'access-token': 'the api-token input',
    'build-only': 'nothing: the action deploys what it builds',
    regions: 'nothing: every machine of the app is deployed and judged',
    'exclude-regions': 'nothing: every machine of the app is deployed and judged',
    'process-groups': 'nothing: every machine of the app is deployed and judged',
    'exclude-machines': 'nothing: every machine of the app is deployed and judged',
    'only-machines': 'nothing: every machine of the app is deployed and judged',
    detach: 'nothing: flyctl must wait for the machines before they are judged',
};
/** Reads `words` as flyctl would and says whether the action may pass them on. */
function checkFlyctlArgs(words) {
    const parsed = parseFlags(words);
    if (typeof parsed === 'string')
        return refuse(parsed);
    const { flags, positional } = parsed;
    if (positional.length > 0) {
        return refuse(`'${positional[0] ?? ''}' is a positional argument, which flyctl takes as its working ` +
            'directory; use the source-dir input');
    }
    const last = new Map();
    for (const flag of flags)
        last.set(flag.name, flag);
    for (const flag of last.values()) {
        const instead = REFUSED[flag.name];
        const setsBoolean = BOOLEAN_FLAGS.has(flag.name);
        if (instead !== undefined && (!setsBoolean || isTrue(flag.value))) {
            return refuse(`'${flag.written}' changes what or where is deployed; use ${instead}`);
        }
    }
    if (last.has('yes') && !isTrue(last.get('yes')?.value ?? 'true')) {
        return refuse("'--yes=false' makes flyctl ask questions no one can answer in a job");
    }
    if (last.get('strategy')?.value === 'immediate') {
        return refuse("'--strategy immediate' exits 0 on a broken app; use rolling, canary or bluegreen");
    }
    return { ok: true, problem: undefined };
}
/** The flags and positional words pflag sees in `words`, or why it would fail. */
function parseFlags(words) {
    const flags = [];
    const positional = [];
    for (let index = 0; index < words.length; index += 1) {
        const word = words[index] ?? '';
        if (word === '--') {
            positional.push(...words.slice(index + 1));
            break;
        }
        if (word.startsWith('--')) {
            const [rawName = '', inline] = splitOnce(word.slice(2));
            const name = ALIASES[rawName] ?? rawName;
            if (inline !== undefined || BOOLEAN_FLAGS.has(name)) {
                flags.push({ name, written: `--${rawName}`, value: inline ?? 'true' });
                continue;
            }
            const value = words[index + 1];
            if (value === undefined)
                return `'${word}' needs a value`;
            flags.push({ name, written: `--${rawName}`, value });
            index += 1;
        }
        else if (word.startsWith('-') && word.length > 1) {
            const taken = readShorthands(word, words[index + 1], flags);
            if (typeof taken === 'string')
                return taken;
            index += taken;
        }
        else {
            positional.push(word);
        }
    }
    return { flags, positional };
}
/** `-yv`, `-aX`, `-a X`, `-a=X`: pushes the flags; how many extra words it used. */
function readShorthands(word, next, flags) {
    for (let at = 1; at < word.length; at += 1) {
        const letter = word[at] ?? '';
        const name = SHORTHANDS[letter] ?? `-${letter}`;
        const written = `-${letter}`;
        const rest = word.slice(at + 1);
        if (rest.startsWith('=')) {
            flags.push({ name, written, value: rest.slice(1) });
            return 0;
        }
        if (BOOLEAN_FLAGS.has(name)) {
            flags.push({ name, written, value: 'true' });
            continue;
        }
        if (rest !== '') {
            flags.push({ name, written, value: rest });
            return 0;
        }
        if (next === undefined)
            return `'${written}' needs a value`;
        flags.push({ name, written, value: next });
        return 1;
    }
    return 0;
}
function splitOnce(text) {
    const at = text.indexOf('=');
    return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
/** strconv.ParseBool's true spellings, as pflag reads a boolean. */
function isTrue(value) {
    return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);
}
function refuse(problem) {
    return { ok: false, problem };
}

;// CONCATENATED MODULE: ./lib/settings/parse.js
// Pure parsers for input values: each returns the parsed value or a problem string that says
// what is allowed (the caller names the input and quotes the value).


/** Parses `expected-status`: a list of codes and ranges, e.g. `200-299`, `200,204 301-302`. */
function parseExpectedStatus(value) {
    const parts = value.split(/[\s,]+/).filter((part) => part !== '');
    if (parts.length === 0)
        return 'is empty';
    const ranges = [];
    for (const part of parts) {
        const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
        if (!match)
            return `'${part}' is neither a status code nor a range like 200-299`;
        const min = Number(match[1]);
        const max = match[2] === undefined ? min : Number(match[2]);
        if (min < 100 || max > 599)
            return `'${part}' is outside 100-599`;
        if (min > max)
            return `'${part}' is a range whose start is above its end`;
        ranges.push({ min, max });
    }
    return ranges;
}
/** Splits `require-jobs` on newlines and commas. */
function parseJobList(value) {
    return value
        .split(/[\n,]/)
        .map((name) => name.trim())
        .filter((name) => name !== '');
}
/** Longest `require-jobs` pattern: job names are short, and matching stays cheap. */
const MAX_JOB_PATTERN_CHARS = 200;
/** `require-jobs` as patterns, each of bounded length. */
function parseJobPatterns(value) {
    const patterns = parseJobList(value);
    const long = patterns.find((pattern) => pattern.length > MAX_JOB_PATTERN_CHARS);
    if (long !== undefined) {
        return `has a pattern of ${long.length} characters; at most ${MAX_JOB_PATTERN_CHARS} are allowed`;
    }
    return patterns;
}
/** Parses `needs` (`${{ toJSON(needs) }}`): an object of `{ result, outputs }` entries. */
function parseNeeds(value) {
    let parsed;
    try {
        parsed = JSON.parse(value);
    }
    catch {
        return 'is not JSON; pass `${{ toJSON(needs) }}`';
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return 'is not a JSON object; pass `${{ toJSON(needs) }}`';
    }
    const needs = {};
    for (const [job, entry] of Object.entries(parsed)) {
        const result = typeof entry === 'object' && entry !== null ? entry.result : null;
        if (typeof result !== 'string')
            return `entry '${job}' has no string 'result'`;
        needs[job] = { result };
    }
    return needs;
}
/** Parses seconds with decimals, e.g. `0.5`, within [minSeconds, maxSeconds]; `why` says
 * where the minimum comes from. */
function parseSeconds(value, maxSeconds, minSeconds = 0, why = '') {
    if (!/^\d{1,9}(\.\d{1,9})?$/.test(value))
        return 'is not a number of seconds like 5 or 0.5';
    const seconds = Number(value);
    if (seconds <= 0)
        return 'must be greater than 0';
    if (seconds < minSeconds)
        return `must be at least ${minSeconds}${why === '' ? '' : ` (${why})`}`;
    if (seconds > maxSeconds)
        return `must be at most ${maxSeconds}`;
    return seconds;
}
/** Longest URL accepted: what browsers and most servers take, far above a real API URL. */
const MAX_URL_CHARS = 2048;
/** Checks a URL input: http(s) only, no user:password inside (it would leak into logs), and
 * nothing the URL parser would silently drop (tabs, line breaks: another URL results). */
function parseHttpUrl(value) {
    if (value.length > MAX_URL_CHARS) {
        return `is ${value.length} characters long; at most ${MAX_URL_CHARS} are allowed`;
    }
    // White space, C0/C1 controls, and Unicode format and separator characters.
    if (/[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(value)) {
        return 'contains white space or a control character; none is allowed in a URL';
    }
    let url;
    try {
        url = new URL(value);
    }
    catch {
        return 'is not a URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return `has protocol '${url.protocol}'; only http: and https: are allowed`;
    }
    if (url.username !== '' || url.password !== '') {
        return 'contains credentials; pass tokens through api-token instead';
    }
    return url;
}
/** A loopback host: the only place plain http may carry a token (a local proxy, a test). */
function isLoopback(url) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
/** `api-url`: the token goes to it on every call, so https (or loopback), and a plain base:
 * a query or fragment would be dropped or misread when paths are appended. */
function parseApiUrl(value) {
    const url = parseHttpUrl(value);
    if (typeof url === 'string')
        return url;
    if (url.protocol === 'http:' && !isLoopback(url)) {
        return 'uses http: to a host that is not loopback, which would send the token in clear; use https:';
    }
    if (url.search !== '' || value.includes('?'))
        return 'has a query; give the base URL only';
    if (url.hash !== '' || value.includes('#'))
        return 'has a fragment; give the base URL only';
    return url;
}
/** GitHub environment names: up to 255 characters, no control, format or separator
 * characters (U+007F, U+0085, U+202E, U+2028 …), no commas or quotes. */
function checkEnvironmentName(value) {
    if ([...value].length > 255)
        return 'is longer than 255 characters';
    if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(value)) {
        return 'contains a control, format or line separator character';
    }
    if (/[,'"`;]/.test(value))
        return 'contains a comma, quote or semicolon';
    if (value.trim() !== value)
        return 'starts or ends with white space';
    return undefined;
}
function parseBoolean(value) {
    if (['true', 'True', 'TRUE'].includes(value))
        return true;
    if (['false', 'False', 'FALSE'].includes(value))
        return false;
    return 'must be true or false';
}
function positiveInt(value, max) {
    if (!/^\d{1,9}$/.test(value))
        return 'must be a whole number';
    const number = Number(value);
    if (number < 1 || number > max)
        return `must be between 1 and ${max}`;
    return number;
}
/** Splits `flyctl-args` like a shell, without one: operators and substitutions are refused. */
function parseFlyctlArgs(value) {
    const words = [];
    for (const entry of (0,shell_quote.parse)(value, (name) => `$${name}`)) {
        if (typeof entry !== 'string')
            return 'contains shell operators or comments; pass plain words';
        if (/[$`]/.test(entry))
            return `'${entry}' contains $ or \`; no substitution happens here`;
        if (/[\p{Cc}]/u.test(entry))
            return 'contains a control character';
        words.push(entry);
    }
    // Read as flyctl reads them (pflag), refused when they change what or where is deployed.
    return checkFlyctlArgs(words).problem ?? words;
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./lib/settings/paths.js
// Paths from inputs: they must stay inside the checkout (GITHUB_WORKSPACE), after following
// symlinks, so a workflow cannot ship `/` or a sibling checkout by a `../..` or a link.


/** True when `target` is `root` or below it. */
function isWithin(root, target) {
    const relative = external_node_path_.relative(root, target);
    return relative === '' || (!relative.startsWith('..') && !external_node_path_.isAbsolute(relative));
}
function realOrSelf(file) {
    try {
        return (0,external_node_fs_.realpathSync)(file);
    }
    catch {
        return file;
    }
}
/**
 * Resolves `value` against `base` and checks it stays inside `workspace`: first as written,
 * then (when it exists) with every symlink followed. Returns the absolute path or a problem.
 */
function insideWorkspace(workspace, base, value) {
    // No real file name needs one, and the path is quoted in problems and logs.
    if (/\p{Cc}/u.test(value))
        return { problem: 'contains a control character' };
    const resolved = external_node_path_.resolve(base, value);
    const root = realOrSelf(external_node_path_.resolve(workspace));
    if (!isWithin(external_node_path_.resolve(workspace), resolved) && !isWithin(root, resolved)) {
        return { problem: `resolves to ${resolved}, outside the workspace; give a path inside it` };
    }
    const real = realOrSelf(resolved);
    if (!isWithin(root, real)) {
        return { problem: `resolves through a symlink to ${real}, outside the workspace` };
    }
    return { path: resolved };
}
/** A problem when `dir` is not a readable directory; undefined when it is. */
function readableDirectoryProblem(dir) {
    try {
        if (!(0,external_node_fs_.statSync)(dir).isDirectory())
            return `is not a directory (${dir})`;
        (0,external_node_fs_.accessSync)(dir, external_node_fs_.constants.R_OK | external_node_fs_.constants.X_OK);
        return undefined;
    }
    catch {
        return `is not a readable directory (${dir})`;
    }
}
/** Finds an executable on PATH; flyctl installs as `flyctl` with a `fly` alias. */
function findOnPath(names, pathValue) {
    for (const dir of pathValue.split(external_node_path_.delimiter).filter((entry) => entry !== '')) {
        for (const name of names) {
            const candidate = external_node_path_.join(dir, name);
            try {
                (0,external_node_fs_.accessSync)(candidate, external_node_fs_.constants.X_OK);
                if ((0,external_node_fs_.statSync)(candidate).isFile())
                    return candidate;
            }
            catch {
                // not here
            }
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ./lib/settings/fly-inputs.js
// The Fly-only inputs of a deploy: fly.toml, image, flyctl arguments and flyctl itself.





/** Splits a Fly token the way flyctl does, to mask each macaroon part on its own. */
function flyTokenParts(token) {
    return token
        .replace(/^(FlyV1|Bearer)\s+/, '')
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length >= 8);
}
/** `[deploy] strategy` of a fly.toml, when it can be read; flyctl reports its own errors. */
function deployStrategy(file) {
    try {
        const config = (0,dist/* parse */.qg)((0,external_node_fs_.readFileSync)(file, 'utf8'));
        const deploy = config.deploy;
        return typeof deploy?.strategy === 'string' ? deploy.strategy : undefined;
    }
    catch {
        return undefined;
    }
}
/** fly.toml, inside the workspace and readable; the path is checked even when unreadable. */
function readFlyConfig(reader, workspace, sourceDir, sourceDirReadable) {
    const value = reader.raw(names/* Input */.pd.FlyConfig) === '' ? 'fly.toml' : reader.raw(names/* Input */.pd.FlyConfig);
    const resolved = insideWorkspace(workspace, sourceDir, value);
    if ('problem' in resolved) {
        reader.fail(names/* Input */.pd.FlyConfig, value, resolved.problem);
        return { value, file: '' };
    }
    if (sourceDirReadable) {
        try {
            (0,external_node_fs_.accessSync)(resolved.path, external_node_fs_.constants.R_OK);
        }
        catch {
            reader.fail(names/* Input */.pd.FlyConfig, value, `is not a readable file (${resolved.path})`);
        }
    }
    return { value, file: resolved.path };
}
function readFlyInputs(reader, env, workspace, sourceDir, sourceDirReadable) {
    const config = readFlyConfig(reader, workspace, sourceDir, sourceDirReadable);
    const flyctlArgs = reader.parsed(names/* Input */.pd.FlyctlArgs, parseFlyctlArgs, []);
    const overridesStrategy = flyctlArgs.some((arg) => arg.startsWith('--strategy'));
    if (!overridesStrategy && config.file !== '' && deployStrategy(config.file) === 'immediate') {
        reader.fail(names/* Input */.pd.FlyConfig, config.value, "sets [deploy] strategy = 'immediate', which exits 0 on a broken app; use rolling, " +
            'canary or bluegreen (or --strategy in flyctl-args)');
    }
    const imageValue = reader.raw(names/* Input */.pd.Image);
    // An image reference: registry/name[:tag][@sha256:digest], no spaces or shell syntax.
    if (imageValue !== '' && !/^[a-z0-9][a-z0-9._\-/:@]{0,254}$/.test(imageValue)) {
        reader.fail(names/* Input */.pd.Image, imageValue, 'is not an image reference like registry.fly.io/app:tag');
    }
    const flyctlPath = findOnPath(['flyctl', 'fly'], env.PATH ?? '');
    if (flyctlPath === undefined) {
        reader.fail(names/* Input */.pd.Platform, 'fly', 'needs flyctl on PATH; add this step before guarded-deploy: ' +
            '`- uses: superfly/flyctl-actions/setup-flyctl@master`');
    }
    return {
        flyConfig: config.file,
        image: imageValue === '' ? undefined : imageValue,
        flyctlArgs,
        flyctlPath: flyctlPath ?? '',
    };
}

;// CONCATENATED MODULE: ./lib/settings/reader.js
// Reads inputs and collects every problem, so all bad inputs are reported at once.

class InputReader {
    get;
    problems = [];
    constructor(get) {
        this.get = get;
    }
    raw(input) {
        return this.get(input);
    }
    /** Records a problem with the input, its value and what is allowed. */
    fail(input, value, problem) {
        this.problems.push(new errors/* InputError */.dz(input, `${quote(value)} ${problem}`));
    }
    /** A problem about an input whose value must not be quoted (a token). */
    failUnquoted(input, problem) {
        this.problems.push(new errors/* InputError */.dz(input, problem));
    }
    /** Reads and parses an input; a parser returns the value or a problem string, and a problem
     * is collected (the fallback keeps the rest of the checks going). */
    parsed(input, parse, fallback) {
        const value = this.get(input);
        const result = parse(value);
        if (typeof result !== 'string')
            return result;
        this.fail(input, value, result);
        return fallback;
    }
    /** The same for an input that may be empty: empty means undefined. */
    optional(input, parse) {
        return this.get(input) === '' ? undefined : this.parsed(input, parse, undefined);
    }
}
const MAX_QUOTED_CHARS = 200;
/** The value as JSON (control characters escaped, so it stays one line), cut when long. */
function quote(value) {
    const shown = value.length > MAX_QUOTED_CHARS ? `${value.slice(0, MAX_QUOTED_CHARS)}…` : value;
    return JSON.stringify(shown);
}

;// CONCATENATED MODULE: ./lib/settings/run-context.js
// The runner's GITHUB_* variables: where this job runs.

function runContext(env, problems) {
    const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
    const runId = Number(env.GITHUB_RUN_ID);
    const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1');
    const sha = env.GITHUB_SHA ?? '';
    const missing = [
        owner === '' || repo === '' ? 'GITHUB_REPOSITORY' : '',
        Number.isInteger(runId) && runId > 0 ? '' : 'GITHUB_RUN_ID',
        Number.isInteger(attempt) && attempt > 0 ? '' : 'GITHUB_RUN_ATTEMPT',
        /^[0-9a-f]{40}$/.test(sha) ? '' : 'GITHUB_SHA',
    ].filter((name) => name !== '');
    if (missing.length > 0) {
        problems.push(new errors/* InputError */.dz('environment', `${missing.join(', ')} not set or malformed: this action runs as a step of a ` +
            'GitHub Actions job, which sets them'));
    }
    return {
        owner,
        repo,
        runId,
        attempt,
        ...(env.GITHUB_JOB ? { job: env.GITHUB_JOB } : {}),
        sha,
        apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
        serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, ''),
        runnerName: env.RUNNER_NAME === '' ? undefined : env.RUNNER_NAME,
    };
}

;// CONCATENATED MODULE: ./lib/settings/inputs.js
// Reads every `with:` input and the runner's environment into one typed settings object.
// All validation lives here (with the parsers in parse.ts and paths.ts) and runs before any
// side effect; every problem is reported at once.













const DEFAULT_API_URL = {
    heroku: 'https://api.heroku.com',
    fly: 'https://api.machines.dev',
};
const SUPPORTED_PLATFORMS = ['heroku', 'fly'];
// Heroku: 3-30 chars, lower-case letters, digits and dashes, starting with a letter.
// Fly: up to 63 chars of the same alphabet. Anything else could not name an app.
const APP_NAME = {
    heroku: {
        pattern: /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/,
        rule: '3 to 30 lower-case letters, digits and dashes, starting with a letter',
    },
    fly: {
        pattern: /^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$|^[a-z0-9]$/,
        rule: '1 to 63 lower-case letters, digits and dashes',
    },
};
const MAX_INTERVAL_S = 3600;
const MAX_TIMEOUT_S = 6 * 3600;
const MAX_THRESHOLD = 100;
// Polls closer than this would hammer the app and could not be told apart on a timer.
const MIN_INTERVAL_S = 0.1;
// One poll needs time to connect and be answered: a shorter timeout fails a healthy app.
const MIN_TIMEOUT_S = 1;
// Below a few ms every answer is slow; above the longest poll timeout (10 s) it never acts.
const MIN_LATENCY_S = 0.01;
const MAX_LATENCY_S = 10;
/** Masks the tokens before anything else can print them, and keeps them out of platform
 * text the action copies (io/secrets.ts). */
function maskTokens(reader) {
    const apiToken = reader.raw(names/* Input */.pd.ApiToken);
    const githubToken = reader.raw(names/* Input */.pd.GithubToken);
    (0,secrets/* maskSecret */.$l)(apiToken);
    (0,secrets/* maskSecret */.$l)(githubToken);
    if (reader.raw(names/* Input */.pd.Platform) === 'fly')
        flyTokenParts(apiToken).forEach(secrets/* maskSecret */.$l);
}
function readPlatform(reader) {
    const value = reader.raw(names/* Input */.pd.Platform);
    if (SUPPORTED_PLATFORMS.includes(value))
        return value;
    const known = names/* Platforms */.lv.includes(value);
    const allowed = `allowed: ${SUPPORTED_PLATFORMS.join(', ')}`;
    reader.fail(names/* Input */.pd.Platform, value, known ? `is not supported by this version yet; ${allowed}` : `is not a platform; ${allowed}`);
    return 'heroku';
}
/** The modes that pass the gate and look at the source: a deploy, and its plan. */
function gated(mode) {
    return mode === 'deploy' || mode === 'plan';
}
function readMode(reader) {
    const value = reader.raw(names/* Input */.pd.Mode) === '' ? 'deploy' : reader.raw(names/* Input */.pd.Mode);
    if (names/* Modes */.dX.includes(value))
        return value;
    reader.fail(names/* Input */.pd.Mode, value, `is not a mode; allowed: ${names/* Modes */.dX.join(', ')}`);
    return 'deploy';
}
function readTokens(reader, mode) {
    const api = reader.raw(names/* Input */.pd.ApiToken);
    const github = reader.raw(names/* Input */.pd.GithubToken);
    if (api === '') {
        reader.failUnquoted(names/* Input */.pd.ApiToken, 'is empty; pass the platform API token secret');
    }
    else if (/[\s\p{Cc}]/u.test(api.replace(/^(FlyV1|Bearer) /, ''))) {
        reader.failUnquoted(names/* Input */.pd.ApiToken, 'contains white space, a line break or a control character');
    }
    if (github === '' && gated(mode)) {
        reader.failUnquoted(names/* Input */.pd.GithubToken, 'is empty; the default is ${{ github.token }}');
    }
    else if (/[\s\p{Cc}]/u.test(github)) {
        reader.failUnquoted(names/* Input */.pd.GithubToken, 'contains white space or a control character');
    }
    return { api, github };
}
function readHealth(reader, run) {
    const expectedStatus = reader.parsed(names/* Input */.pd.ExpectedStatus, parseExpectedStatus, []);
    const intervalS = reader.parsed(names/* Input */.pd.HealthInterval, (v) => parseSeconds(v, MAX_INTERVAL_S, MIN_INTERVAL_S, 'polls closer than that hammer the app'), NaN);
    const timeoutS = reader.parsed(names/* Input */.pd.HealthTimeout, (v) => parseSeconds(v, MAX_TIMEOUT_S, MIN_TIMEOUT_S, 'one poll needs time to be answered'), NaN);
    const threshold = reader.parsed(names/* Input */.pd.HealthyThreshold, (v) => positiveInt(v, MAX_THRESHOLD), NaN);
    // N consecutive passes on an interval grid need (N-1) intervals: more than the timeout
    // would make a healthy verdict impossible.
    if ((threshold - 1) * intervalS >= timeoutS) {
        reader.fail(names/* Input */.pd.HealthyThreshold, reader.raw(names/* Input */.pd.HealthyThreshold), `needs ${threshold - 1} intervals of ${intervalS} s, which do not fit in ` +
            `health-timeout ${timeoutS} s; lower it or raise health-timeout`);
    }
    const unhealthyThreshold = reader.parsed(names/* Input */.pd.UnhealthyThreshold, (v) => positiveInt(v, MAX_THRESHOLD), NaN);
    const maxLatencyS = reader.optional(names/* Input */.pd.MaxLatency, (v) => parseSeconds(v, MAX_LATENCY_S, MIN_LATENCY_S, 'below that every answer is slow'));
    const versionUrl = reader.optional(names/* Input */.pd.VersionUrl, parseHttpUrl)?.toString();
    const expectedVersion = reader.raw(names/* Input */.pd.ExpectedVersion);
    if (expectedVersion !== '' && versionUrl === undefined) {
        reader.fail(names/* Input */.pd.ExpectedVersion, expectedVersion, 'is set but version-url is empty');
    }
    return {
        criteria: {
            expectedStatus,
            checkString: reader.raw(names/* Input */.pd.CheckString),
            maxLatencyMs: maxLatencyS === undefined ? undefined : Math.round(maxLatencyS * 1000),
        },
        version: versionUrl === undefined
            ? undefined
            : { url: versionUrl, expected: expectedVersion === '' ? run.sha : expectedVersion },
        intervalMs: Math.round(intervalS * 1000),
        timeoutMs: Math.round(timeoutS * 1000),
        threshold,
        unhealthyThreshold,
    };
}
function readToRelease(reader, mode) {
    const value = reader.raw(names/* Input */.pd.ToRelease);
    if (value === '')
        return undefined;
    if (mode !== 'rollback') {
        reader.fail(names/* Input */.pd.ToRelease, value, `only applies to mode: rollback (mode is ${mode})`);
    }
    else if (!/^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,254}$/.test(value)) {
        reader.fail(names/* Input */.pd.ToRelease, value, 'is not a release (v41) or an image reference');
    }
    return value;
}
function readEnvironment(reader) {
    const value = reader.raw(names/* Input */.pd.Environment);
    if (value === '')
        return undefined;
    const problem = checkEnvironmentName(value);
    if (problem !== undefined) {
        reader.fail(names/* Input */.pd.Environment, value, `is not a GitHub environment name: ${problem}`);
    }
    return value;
}
/** `source-dir`, inside the workspace; only a deploy needs it to be a readable directory. */
function readSourceDir(reader, workspace, mode) {
    const value = reader.raw(names/* Input */.pd.SourceDir);
    const resolved = insideWorkspace(workspace, workspace, value === '' ? '.' : value);
    if ('problem' in resolved) {
        reader.fail(names/* Input */.pd.SourceDir, value, resolved.problem);
        return { dir: workspace, readable: false };
    }
    const problem = readableDirectoryProblem(resolved.path);
    if (problem !== undefined && gated(mode))
        reader.fail(names/* Input */.pd.SourceDir, value, problem);
    return { dir: resolved.path, readable: problem === undefined };
}
/**
 * Reads the inputs and the environment. Tokens are masked before anything else happens.
 * Throws `InvalidInputs` listing every bad input; nothing has touched the network by then.
 */
function getSettings(env = process.env) {
    const reader = new InputReader((name) => core/* getInput */.V4(name));
    maskTokens(reader);
    const platform = readPlatform(reader);
    const mode = readMode(reader);
    const app = reader.raw(names/* Input */.pd.App);
    if (!APP_NAME[platform].pattern.test(app)) {
        reader.fail(names/* Input */.pd.App, app, `is not a ${platform} app name (${APP_NAME[platform].rule})`);
    }
    const tokens = readTokens(reader, mode);
    const apiUrl = reader.optional(names/* Input */.pd.ApiUrl, parseApiUrl)?.toString();
    const run = runContext(env, reader.problems);
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const source = readSourceDir(reader, workspace, mode);
    const artifact = readArtifact(reader, platform, mode);
    const flyInputs = platform === 'fly' && gated(mode)
        ? readFlyInputs(reader, env, workspace, source.dir, source.readable)
        : undefined;
    const settings = {
        mode,
        platform,
        app,
        apiToken: tokens.api,
        apiUrl: (apiUrl ?? DEFAULT_API_URL[platform]).replace(/\/+$/, ''),
        githubToken: tokens.github,
        requireJobs: reader.parsed(names/* Input */.pd.RequireJobs, parseJobPatterns, []),
        needs: reader.optional(names/* Input */.pd.Needs, parseNeeds),
        healthUrl: reader.optional(names/* Input */.pd.HealthUrl, parseHttpUrl)?.toString(),
        health: readHealth(reader, run),
        rollback: reader.parsed(names/* Input */.pd.Rollback, parseBoolean, true),
        force: reader.parsed(names/* Input */.pd.Force, parseBoolean, false),
        lockWaitMs: reader.parsed(names/* Input */.pd.LockWait, parseLockWait, 0),
        ...(artifact === undefined ? {} : { artifact }),
        toRelease: readToRelease(reader, mode),
        environment: readEnvironment(reader),
        sourceDir: source.dir,
        // Only a deploy builds anything (and a plan says what it would build): rollback and
        // verify need no checkout or flyctl.
        // A Fly artifact is an image pinned by digest: flyctl deploys it with --image, no build.
        fly: flyInputs && artifact !== undefined ? { ...flyInputs, image: artifact } : flyInputs,
        run,
        userAgent: version/* USER_AGENT */._O,
    };
    if (reader.problems.length > 0)
        throw new errors/* InvalidInputs */.hS(reader.problems);
    return settings;
}


/***/ }),

/***/ 4835:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hd: () => (/* binding */ secondsText),
/* harmony export */   X1: () => (/* binding */ DEFAULT_UNHEALTHY_THRESHOLD),
/* harmony export */   cO: () => (/* binding */ formatStatusRanges),
/* harmony export */   sK: () => (/* binding */ nextHealth),
/* harmony export */   wO: () => (/* binding */ judgeVersionAnswer),
/* harmony export */   xM: () => (/* binding */ judgePoll)
/* harmony export */ });
/* unused harmony export neverReachedApp */
// Health decisions: is one poll's answer good, and does a run of polls make a verdict.
/** The `unhealthy-threshold` default. */
const DEFAULT_UNHEALTHY_THRESHOLD = 3;
/** `200-299,304`: the form `expected-status` is written in. */
function formatStatusRanges(ranges) {
    return ranges
        .map((range) => (range.min === range.max ? `${range.min}` : `${range.min}-${range.max}`))
        .join(',');
}
function statusExpected(status, ranges) {
    return ranges.some((range) => status >= range.min && status <= range.max);
}
function judgePoll(poll, criteria) {
    if (poll.status === null) {
        const failure = neverReachedApp(poll) ? 'unreached' : 'no-answer';
        return { pass: false, reason: poll.error ?? 'no answer', failure };
    }
    if (!statusExpected(poll.status, criteria.expectedStatus)) {
        if (poll.redirectTo !== undefined) {
            const reason = `redirect to ${poll.redirectTo} not followed`;
            return { pass: false, reason, failure: 'redirect' };
        }
        const expected = formatStatusRanges(criteria.expectedStatus);
        return { pass: false, reason: `status ${poll.status} not in ${expected}`, failure: 'status' };
    }
    if (criteria.checkString !== '' && !poll.body.includes(criteria.checkString)) {
        const reason = `body lacks ${JSON.stringify(criteria.checkString)}`;
        return { pass: false, reason, failure: 'body' };
    }
    if (criteria.maxLatencyMs !== undefined && poll.latencyMs > criteria.maxLatencyMs) {
        const limit = secondsText(criteria.maxLatencyMs);
        const reason = `slow: ${secondsText(poll.latencyMs)} > ${limit}`;
        return { pass: false, reason, failure: 'slow' };
    }
    return { pass: true, reason: 'ok' };
}
/** An answer from `version-url`: it must be a 2xx showing `expected`; without `expected` (the
 * release live before, whose version is not the one deployed) any 2xx answer passes. */
function judgeVersionAnswer(answer, expected) {
    if (answer.status === null) {
        return {
            pass: false,
            reason: `version-url: ${answer.error ?? 'no answer'}`,
            failure: 'version',
        };
    }
    if (answer.status < 200 || answer.status > 299) {
        return { pass: false, reason: `version-url answered ${answer.status}`, failure: 'version' };
    }
    if (expected === undefined)
        return { pass: true, reason: 'ok' };
    if (!answer.body.includes(expected)) {
        return {
            pass: false,
            reason: `version-url does not show "${expected}" yet (the old release answered)`,
            failure: 'version',
        };
    }
    return { pass: true, reason: `ok, serving ${expected}` };
}
/** `1.8 s`, `1 s`: one decimal, no trailing zero. */
function secondsText(ms) {
    return `${Number((ms / 1000).toFixed(1))} s`;
}
// Answers that never reached the app: no name, no route, no TLS (undici/Node error codes).
const UNREACHED_CODES = new Set([
    'ENOTFOUND',
    'EAI_AGAIN',
    'ECONNREFUSED',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EPROTO',
]);
/** Whether a poll failed before reaching the app (so it measured nothing about it). A
 * timeout or a reset after connecting may be the app's own doing, so they count as answers. */
function neverReachedApp(poll) {
    if (poll.status !== null || poll.errorCode === undefined)
        return false;
    const code = poll.errorCode;
    return UNREACHED_CODES.has(code) || /CERT|SELF_SIGNED|TLS|SSL/.test(code);
}
/** Folds one judged poll into the state. A failure resets the streak, so a flapping app
 * never becomes healthy; the deadline counts from `startedAt`. Before its first pass a
 * release is condemned only by the deadline or a crash (`crash`: what the platform showed,
 * which condemns even when another instance answered the poll),
 * so a slow start keeps the whole timeout; after it, `unhealthyThreshold` failures in a row
 * condemn it at once. */
function nextHealth(state, judgement, now, settings, crash) {
    const next = {
        polls: state.polls + 1,
        passes: state.passes + (judgement.pass ? 1 : 0),
        consecutive: judgement.pass ? state.consecutive + 1 : 0,
        failures: judgement.pass ? 0 : state.failures + 1,
        startedAt: state.startedAt,
    };
    if (next.consecutive >= settings.threshold)
        return { state: next, verdict: 'healthy' };
    if (crash !== undefined) {
        return { state: next, verdict: 'unhealthy', condemnedBy: 'crashed' };
    }
    if (next.passes > 0 && next.failures >= settings.unhealthyThreshold) {
        return { state: next, verdict: 'unhealthy', condemnedBy: 'broke' };
    }
    if (now >= state.startedAt + settings.timeoutMs) {
        return { state: next, verdict: 'unhealthy', condemnedBy: 'deadline' };
    }
    return { state: next, verdict: 'pending' };
}


/***/ }),

/***/ 5647:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bm: () => (/* binding */ liveProbeDeps),
/* harmony export */   SE: () => (/* binding */ waitForHealthy),
/* harmony export */   o2: () => (/* binding */ pollSafely)
/* harmony export */ });
/* unused harmony export httpPoll */
/* harmony import */ var node_perf_hooks__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(643);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8500);
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6752);
/* harmony import */ var _io_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5626);
/* harmony import */ var _health_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4835);
// The health poll loop (clock, sleep and poll injected) and the real HTTP poll.





const MIN_POLL_TIMEOUT_MS = 2_000;
const MAX_POLL_TIMEOUT_MS = 10_000;
/** A backstop on top of the deadline (the grid alone allows timeout / interval + 1 polls). */
const MAX_POLLS = 10_000;
const MAX_BODY_BYTES = 64 * 1024;
/** Platform APIs are rate-limited: with short intervals, not every poll asks about crashes
 * (about once a second; a little less, so polls on a 0.5 s grid ask every other poll). */
const CRASH_ASK_GAP_MS = 900;
/** A poll may outlast the interval (slow but healthy answers count) but never the deadline. */
function pollTimeoutMs(intervalMs, remainingMs) {
    const wanted = Math.min(Math.max(intervalMs, MIN_POLL_TIMEOUT_MS), MAX_POLL_TIMEOUT_MS);
    return Math.max(1, Math.min(wanted, remainingMs));
}
function describePoll(index, record) {
    const answer = record.status === null ? 'no answer' : String(record.status);
    return `poll ${index}: ${answer} in ${Math.round(record.latencyMs)} ms — ${record.reason}`;
}
/** Bytes of the last failing answer's body quoted in the verdict: enough for an error line. */
const QUOTED_BODY_CHARS = 200;
/** What the app said, on one line, so a 500 names its error. */
function answered(body) {
    const line = body.replace(/\s+/g, ' ').trim();
    if (line === '')
        return '';
    const quoted = line.length > QUOTED_BODY_CHARS ? `${line.slice(0, QUOTED_BODY_CHARS)}…` : line;
    return `; its body: ${quoted}`;
}
function unhealthyReason(settings, state, polls, end) {
    const lastFailure = polls.findLast((record) => !record.pass && record.cutShort !== true) ??
        polls.findLast((record) => !record.pass);
    const counts = `${state.polls} polls, ${state.passes} passed`;
    const details = lastFailure === undefined
        ? counts
        : `${counts}, last: ${lastFailure.reason}${answered(lastFailure.body)}`;
    if (end.aborted)
        return `health check aborted (${details})`;
    if (end.condemnedBy === 'crashed')
        return `${end.crash ?? 'crashed'} (${details})`;
    if (end.condemnedBy === 'broke') {
        return `it passed, then failed ${state.failures} polls in a row (${details})`;
    }
    const wanted = `${settings.threshold} passing poll${settings.threshold === 1 ? '' : 's'}`;
    return `no ${wanted} in a row within ${(0,_health_js__WEBPACK_IMPORTED_MODULE_4__/* .secondsText */ .Hd)(settings.timeoutMs)} (${details})`;
}
async function pollSafely(deps, url, timeoutMs) {
    const startedAt = deps.now();
    try {
        return await deps.poll(url, timeoutMs);
    }
    catch (error) {
        return {
            status: null,
            body: '',
            latencyMs: deps.now() - startedAt,
            error: (0,_io_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(error),
        };
    }
}
async function judgeVersion(deps, version, deadline, intervalMs) {
    const timeoutMs = pollTimeoutMs(intervalMs, deadline - deps.now());
    return (0,_health_js__WEBPACK_IMPORTED_MODULE_4__/* .judgeVersionAnswer */ .wO)(await pollSafely(deps, version.url, timeoutMs), version.expected);
}
const NOT_COUNTED = 'passed, not counted: within the preboot window the previous release may have answered';
/** Which release the passing polls came from, as far as the probe can tell. */
function whoAnswered(settings) {
    if (settings.version !== undefined) {
        return `; the new release answered (version-url showed "${settings.version.expected}")`;
    }
    if ((settings.countFromMs ?? 0) > 0) {
        return (`; counted only after the ${(0,_health_js__WEBPACK_IMPORTED_MODULE_4__/* .secondsText */ .Hd)(settings.countFromMs ?? 0)} preboot window ` +
            '(which release answered is unknown without version-url)');
    }
    return '';
}
/** Polls `settings.url` on a fixed grid (start + k·interval) until `threshold` passes in a row
 * (healthy) or the deadline (unhealthy). An abort ends it early as unhealthy. */
async function waitForHealthy(settings, deps, log, signal) {
    const start = deps.now();
    const deadline = start + settings.timeoutMs;
    const intervalMs = Math.max(1, settings.intervalMs);
    const polls = [];
    let state = { polls: 0, passes: 0, consecutive: 0, failures: 0, startedAt: start };
    let slot = 0;
    let aborted = false;
    let condemnedBy;
    const limits = {
        ...settings,
        unhealthyThreshold: settings.unhealthyThreshold ?? _health_js__WEBPACK_IMPORTED_MODULE_4__/* .DEFAULT_UNHEALTHY_THRESHOLD */ .X1,
    };
    let crashSeen;
    let lastCrashAsk = -Infinity;
    while (polls.length < MAX_POLLS) {
        const slotAt = start + slot * intervalMs;
        if (slot > 0 && slotAt >= deadline)
            break;
        const waitMs = slotAt - deps.now();
        if (waitMs > 0) {
            try {
                await deps.sleep(waitMs, signal);
            }
            catch (error) {
                if (signal?.aborted !== true)
                    throw error;
            }
        }
        if (signal?.aborted === true) {
            aborted = true;
            break;
        }
        const pollStart = deps.now();
        const timeoutMs = pollTimeoutMs(intervalMs, deadline - pollStart);
        const result = await pollSafely(deps, settings.url, timeoutMs);
        let judgement = (0,_health_js__WEBPACK_IMPORTED_MODULE_4__/* .judgePoll */ .xM)(result, settings.criteria);
        if (judgement.pass && settings.version !== undefined) {
            judgement = await judgeVersion(deps, settings.version, deadline, intervalMs);
        }
        if (judgement.pass && pollStart - start < (settings.countFromMs ?? 0)) {
            judgement = { pass: false, reason: NOT_COUNTED, failure: 'not-counted' };
        }
        const record = { ...result, ...judgement, at: pollStart - start };
        if (result.status === null && timeoutMs < pollTimeoutMs(intervalMs, Infinity)) {
            record.cutShort = true;
        }
        polls.push(record);
        log(describePoll(polls.length, record));
        // A crash the platform already shows needs no waiting out.
        let crash;
        if (deps.now() - lastCrashAsk >= CRASH_ASK_GAP_MS) {
            lastCrashAsk = deps.now();
            crash = await askCrashed(settings);
        }
        const now = deps.now();
        const next = (0,_health_js__WEBPACK_IMPORTED_MODULE_4__/* .nextHealth */ .sK)(state, judgement, now, limits, crash);
        state = next.state;
        condemnedBy = next.condemnedBy;
        if (crash !== undefined)
            crashSeen = crash;
        if (next.verdict === 'healthy') {
            const reason = `${settings.threshold} passing poll${settings.threshold === 1 ? '' : 's'} in a row ` +
                `after ${(0,_health_js__WEBPACK_IMPORTED_MODULE_4__/* .secondsText */ .Hd)(now - start)} (${state.polls} polls, ${state.passes} passed)` +
                whoAnswered(settings);
            return { verdict: 'healthy', polls, reason, elapsedMs: now - start };
        }
        if (next.verdict === 'unhealthy')
            break;
        // A poll that overran its slot moves on to the next grid point instead of bunching up.
        slot = Math.max(slot + 1, Math.ceil((now - start) / intervalMs));
    }
    if (signal?.aborted === true)
        aborted = true;
    if (!aborted)
        condemnedBy ??= 'deadline';
    const end = { aborted, condemnedBy, crash: crashSeen };
    const reason = unhealthyReason(settings, state, polls, end);
    return {
        verdict: 'unhealthy',
        polls,
        reason,
        elapsedMs: deps.now() - start,
        ...(aborted || condemnedBy === undefined ? {} : { condemnedBy }),
    };
}
/** The platform's word on a crash; a failed read only means no fast verdict this time. */
async function askCrashed(settings) {
    try {
        return await settings.crashed?.();
    }
    catch {
        return undefined;
    }
}
/** The real clock, timer and HTTP poll, for the action. */
const liveProbeDeps = {
    now: () => node_perf_hooks__WEBPACK_IMPORTED_MODULE_0__.performance.now(),
    sleep: async (ms, signal) => {
        await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_1__.setTimeout)(ms, undefined, { signal });
    },
    poll: (url, timeoutMs) => httpPoll(url, timeoutMs),
};
// One keep-alive pool for all polls: consecutive polls reuse the connection like a browser would.
const pollAgent = new undici__WEBPACK_IMPORTED_MODULE_2__.Agent({ keepAliveTimeout: 30_000, connections: 2 });
function headerValue(value) {
    return Array.isArray(value) ? value[0] : value;
}
/** The system error code, also when undici wraps it (`fetch failed` ← `cause`). */
function errorCodeOf(error) {
    for (let current = error, depth = 0; depth < 4; depth += 1) {
        if (!(current instanceof Error))
            return undefined;
        if ('code' in current && typeof current.code === 'string' && !current.code.startsWith('UND_')) {
            return current.code;
        }
        current = current.cause;
    }
    return undefined;
}
function describeError(error, code) {
    const message = readableTls((0,_io_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(error));
    return code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
}
/** OpenSSL's `<id>:error:0A00010B:SSL routines:<function>:wrong version number:<file>:<line>:`
 * as `TLS handshake failed: wrong version number`: its reason, on one line. */
function readableTls(message) {
    const reason = /error:[0-9A-F]+:SSL routines:[^:]*:([^:]+):/.exec(message)?.[1];
    return reason === undefined ? message.trim() : `TLS handshake failed: ${reason}`;
}
function absoluteLocation(location, base) {
    try {
        return new URL(location, base).href;
    }
    catch {
        return location;
    }
}
/** One GET of the health URL: no credentials, no redirects followed, at most 64 KiB of body. */
async function httpPoll(url, timeoutMs) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const startedAt = node_perf_hooks__WEBPACK_IMPORTED_MODULE_0__.performance.now();
    const elapsed = () => Math.round(node_perf_hooks__WEBPACK_IMPORTED_MODULE_0__.performance.now() - startedAt);
    try {
        const response = await (0,undici__WEBPACK_IMPORTED_MODULE_2__.request)(url, {
            method: 'GET',
            dispatcher: pollAgent,
            signal: controller.signal,
            headers: { 'user-agent': 'guarded-deploy', accept: '*/*' },
        });
        const chunks = [];
        let size = 0;
        for await (const chunk of response.body) {
            const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
            chunks.push(buffer);
            size += buffer.length;
            if (size >= MAX_BODY_BYTES) {
                // Enough to judge; dropping the rest closes this connection, which is fine.
                response.body.destroy();
                break;
            }
        }
        const body = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
        const result = { status: response.statusCode, body, latencyMs: elapsed() };
        const location = headerValue(response.headers.location);
        if (response.statusCode >= 300 && response.statusCode < 400 && location !== undefined) {
            result.redirectTo = absoluteLocation(location, url);
        }
        return result;
    }
    catch (error) {
        if (controller.signal.aborted) {
            return {
                status: null,
                body: '',
                latencyMs: elapsed(),
                error: `timeout after ${Math.round(timeoutMs)} ms`,
            };
        }
        const code = errorCodeOf(error);
        const failed = {
            status: null,
            body: '',
            latencyMs: elapsed(),
            error: describeError(error, code),
        };
        if (code !== undefined)
            failed.errorCode = code;
        return failed;
    }
    finally {
        clearTimeout(timer);
    }
}


/***/ }),

/***/ 7871:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  V: () => (/* binding */ verifyRelease)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6421);
// EXTERNAL MODULE: ./lib/verify/probe.js
var probe = __webpack_require__(5647);
;// CONCATENATED MODULE: ./lib/verify/verdict.js
/** The input most likely wrong when the live release fails the check the same way. */
const LIKELY_INPUT = {
    unreached: 'health-url',
    'no-answer': 'health-url',
    redirect: 'health-url',
    status: 'expected-status',
    body: 'check-string',
    slow: 'max-latency',
    version: 'version-url',
    'not-counted': 'health-url',
};
const plain = (kind) => ({ kind, lead: '', hint: '' });
function nameVerdict(input) {
    if (input.healthy)
        return plain('healthy');
    const last = input.polls.findLast((poll) => !poll.pass && poll.cutShort !== true) ??
        input.polls.findLast((poll) => !poll.pass);
    // A crash is the platform's own word: nothing about the check can explain it away.
    if (input.condemnedBy === 'crashed' || last?.failure === undefined)
        return plain('unhealthy');
    if (last.failure === 'version')
        return nameVersionFailure(last, input.versionBaseline ?? []);
    const baseline = input.baseline ?? [];
    if (baseline.length === 0 || baseline.some((poll) => poll.pass))
        return plain('unhealthy');
    const before = baseline.findLast((poll) => !poll.pass);
    if (last.failure === 'unreached' && baseline.every((poll) => poll.failure === 'unreached')) {
        return {
            kind: 'inconclusive',
            lead: 'could not measure: the polls never reached the app',
            hint: `; the release live before could not be reached either (${before?.reason ?? ''})`,
        };
    }
    if (!sameFailure(last, before))
        return plain('unhealthy');
    // A 404 says the path is wrong, not the statuses expected.
    const suspect = statusOf(last.reason) === '404' ? 'health-url' : LIKELY_INPUT[last.failure];
    return {
        kind: 'unhealthy',
        lead: '',
        hint: `; the check also fails on the release that was live before (${before?.reason ?? ''}):` +
            ` the likely mistake is \`${suspect}\`, not the release`,
    };
}
/** A version-url that failed the same way on the release live before is the wrong URL. */
function nameVersionFailure(last, baseline) {
    const before = baseline.findLast((poll) => !poll.pass);
    if (baseline.length === 0 || baseline.some((poll) => poll.pass))
        return plain('unhealthy');
    if (!sameFailure(last, before))
        return plain('unhealthy');
    return {
        kind: 'unhealthy',
        lead: '',
        hint: `; version-url also fails on the release that was live before (${before?.reason ?? ''}):` +
            ' the likely mistake is `version-url`, not the release',
    };
}
function sameFailure(now, before) {
    if (before === undefined || now.failure !== before.failure)
        return false;
    // A status must be the same code (for version-url: the same code, or both no answer);
    // other kinds are the same by kind.
    if (now.failure !== 'status' && now.failure !== 'version')
        return true;
    return statusOf(now.reason) === statusOf(before.reason);
}
/** The HTTP status a failure names; `none` for a version-url that gave no answer. */
function statusOf(reason) {
    const code = /^(?:status|version-url answered) (\d{3})\b/.exec(reason)?.[1];
    return code ?? (reason.startsWith('version-url: ') ? 'none' : undefined);
}

;// CONCATENATED MODULE: ./lib/verify/verify-release.js
// Is a release healthy? Both views: the public health URL (and version URL) polled until
// the threshold, then the platform's own view of every instance. While polling, a failed
// poll also asks the platform whether an instance crashed, so a crash condemns at once.



// The platform's own checks (Fly machine checks) may lag the public URL by a few seconds.
const MIN_INSPECT_MS = 5_000;
/** `checkVersion`: also require `version-url` to show the new version (not for rollbacks). */
async function verifyRelease(context, release, checkVersion) {
    const { settings, platform } = context;
    const timeoutMs = settings.health.timeoutMs + context.switchoverMs;
    const crashedInstances = platform.crashedInstances?.bind(platform);
    const health = await core/* group */.Os(`Health of ${release.label}: ${context.healthUrl}`, () => (0,probe/* waitForHealthy */.SE)({
        url: context.healthUrl,
        criteria: settings.health.criteria,
        intervalMs: settings.health.intervalMs,
        timeoutMs,
        threshold: settings.health.threshold,
        unhealthyThreshold: settings.health.unhealthyThreshold,
        crashed: crashedInstances === undefined
            ? undefined
            : async () => firstOrUndefined(await crashedInstances(release)),
        version: checkVersion ? settings.health.version : undefined,
        // Without a version check, polls in the switchover window may reach the old release.
        countFromMs: checkVersion && settings.health.version !== undefined ? 0 : context.switchoverMs,
    }, context.probe, (line) => core/* info */.pq(line), context.signal));
    if (health.verdict !== 'healthy')
        return condemned(context, release, health);
    const instances = await platform.inspect(release, Math.max(timeoutMs - health.elapsedMs, MIN_INSPECT_MS));
    for (const instance of instances.instances) {
        core/* info */.pq(`${instance.ok ? 'ok  ' : 'FAIL'} ${instance.id} ${instance.region} ${instance.state} ` +
            `${instance.image} checks ${instance.checks}`);
    }
    return instances.ok
        ? {
            healthy: true,
            kind: 'healthy',
            reason: `${health.reason}; ${instances.reason}`,
            health,
            instances,
        }
        : {
            healthy: false,
            kind: 'unhealthy',
            reason: `the health URL passed but the platform disagrees: ${instances.reason}`,
            health,
            instances,
        };
}
/** The unhealthy or inconclusive verdict, with the platform's word and the baseline's. */
async function condemned(context, release, health) {
    // One look at the instances says why, e.g. a crashed dyno behind a 503.
    const instances = await inspectOnce(context.platform, release);
    const naming = nameVerdict({
        healthy: false,
        polls: health.polls,
        condemnedBy: health.condemnedBy,
        baseline: context.baseline?.polls,
        versionBaseline: context.baseline?.version?.polls,
    });
    const why = instances && !instances.ok && health.condemnedBy !== 'crashed'
        ? `; the platform says: ${instances.reason}`
        : '';
    const lead = naming.lead === '' ? '' : `${naming.lead}: `;
    return {
        healthy: false,
        kind: naming.kind,
        reason: `${lead}${health.reason}${naming.hint}${why}`,
        health,
        instances,
    };
}
function firstOrUndefined(lines) {
    return lines.length === 0 ? undefined : lines.join('; ');
}
async function inspectOnce(platform, release) {
    try {
        return await platform.inspect(release, 0);
    }
    catch {
        return undefined; // only an explanation: the verdict stands without it
    }
}


/***/ })

};
