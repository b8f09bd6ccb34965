export const id = 317;
export const ids = [317];
export const modules = {

/***/ 7698:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   post: () => (/* binding */ post)
/* harmony export */ });
/* unused harmony export runPost */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6421);
/* harmony import */ var _action_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6065);
/* harmony import */ var _flow_deploy_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8271);
/* harmony import */ var _io_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5626);
/* harmony import */ var _flow_decide_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7922);
/* harmony import */ var _settings_inputs_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3700);
/* harmony import */ var _flow_recover_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3008);
/* harmony import */ var _report_summary_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(4587);
/* harmony import */ var _flow_run_record_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(3739);
/* harmony import */ var _flow_state_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(5004);
// The post step (`post-if: always()`): when main was cut short after touching the platform and
// before a verdict (a cancelled job, a killed process), roll back to the saved target and
// verify it. Runs in a fresh process with the same inputs.










async function runPost(deps) {
    const state = (0,_flow_state_js__WEBPACK_IMPORTED_MODULE_9__/* .loadState */ .C7)();
    const step = (0,_flow_decide_js__WEBPACK_IMPORTED_MODULE_4__/* .decidePostStep */ .di)(state.stage, state.plan);
    if (step.kind === 'nothing') {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(_flow_decide_js__WEBPACK_IMPORTED_MODULE_4__/* .NOTHING_TO_ROLL_BACK */ .ij);
        return;
    }
    if (step.kind === 'unreadable') {
        throw new Error('The deploy was interrupted, but the restore plan main saved is unreadable: ' +
            'THE ROLLBACK COULD NOT RUN. Check the live release by hand.');
    }
    const { plan } = step;
    const { target } = plan;
    const settings = (0,_settings_inputs_js__WEBPACK_IMPORTED_MODULE_5__/* .getSettings */ .mt)();
    const record = (0,_flow_run_record_js__WEBPACK_IMPORTED_MODULE_8__/* .newRunRecord */ .p)(settings.platform, settings.app, new Date());
    record.mode = 'post';
    record.previous = target;
    record.release = state.release;
    const cause = 'The deploy was interrupted before its release was verified (job cancelled or the ' +
        'action stopped)';
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`${cause}: rolling back to ${target.label}.`, { title: 'Finishing a rollback' });
    const platform = deps.createPlatform(settings);
    try {
        // A build the cancelled run started goes on; roll back only after it released (or not).
        await platform.settle?.(_flow_deploy_js__WEBPACK_IMPORTED_MODULE_2__/* .SETTLE_TIMEOUT_MS */ .hv);
        const snapshot = await platform.snapshot();
        const context = (0,_flow_deploy_js__WEBPACK_IMPORTED_MODULE_2__/* .verifyContext */ .dR)(settings, platform, snapshot, deps);
        record.healthUrl = context.healthUrl;
        const outcome = await (0,_flow_recover_js__WEBPACK_IMPORTED_MODULE_6__/* .rollbackAndVerify */ .zg)(context, plan, record, deps);
        record.result = outcome.ok ? 'rolled-back' : 'failed';
        (0,_flow_recover_js__WEBPACK_IMPORTED_MODULE_6__/* .reportRollback */ .RB)(record, context, target, outcome, cause);
    }
    catch (error) {
        record.result = 'failed';
        record.cause = `${cause}; THE ROLLBACK COULD NOT RUN: ${(0,_io_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .firstLine */ .TM)((0,_io_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(error))}`;
    }
    finally {
        await platform.close();
        (0,_flow_state_js__WEBPACK_IMPORTED_MODULE_9__/* .saveStage */ .ev)('settled');
        await (0,_report_summary_js__WEBPACK_IMPORTED_MODULE_7__/* .writeSummary */ .Sy)(record);
    }
    if (record.result !== 'rolled-back')
        throw new Error(record.cause);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(record.cause ?? cause, { title: 'Deploy interrupted, rolled back' });
}
/** The post step's entry: one try/catch, like main. */
async function post() {
    try {
        await runPost((0,_action_js__WEBPACK_IMPORTED_MODULE_1__/* .realDeps */ .bw)((0,_action_js__WEBPACK_IMPORTED_MODULE_1__/* .cancellationSignal */ .w6)()));
    }
    catch (error) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1((0,_io_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(error));
    }
}


/***/ })

};
