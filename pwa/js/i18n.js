// The UI's words: Chinese first, English on request. A small table is enough for one screenful of app.
const TABLE = {
  zh: {
    appName: "分类巡查",
    login: "登录", username: "用户名", password: "密码", logout: "退出登录",
    loginAgain: "登录已过期，请重新登录。未上传的记录都保留着。",
    loginFailed: "用户名或密码错误",
    needOnline: "首次登录需要网络连接",
    places: "地点", outbox: "待上传", history: "历史",
    nearest: "附近", search: "按名称或编号搜索", scan: "扫码", scanUnsupported: "此浏览器不支持扫码，请用系统相机扫描标签上的链接。",
    distance: "距离 {d}", noFix: "无定位", packRefreshed: "检查表更新于 {t}", refresh: "更新",
    noPack: "尚未下载检查数据，请联网后登录。",
    regime: "检查类型", weekly_guidance: "周指导", monthly_covert: "月暗查", quarterly_assessment: "季考核",
    start: "开始检查", noChecklist: "该地点没有此类检查表",
    pass: "合格", fail: "不合格", na: "不适用",
    faults: "问题处数", percentValue: "百分比", sample: "抽查", checked: "抽查数", wrong: "错误数",
    note: "备注", addPhoto: "拍照", removePhoto: "删除照片", photoRequired: "需要照片",
    gps: "定位", gpsAcc: "精度 ±{a} 米，距地点 {d}", gpsFar: "距离地点 {d}，超出 {r} 米范围", gpsPoor: "定位精度差（±{a} 米）",
    gpsNone: "未能获取定位", gpsRetry: "重新定位",
    score: "临时得分", unscored: "不计分", vetoed: "一票否决",
    excellent: "优秀", good: "良好", gradePass: "合格", gradeFail: "不合格",
    finish: "完成并放入待上传", discard: "放弃草稿", missingPhotos: "以下项目需要照片：{items}",
    draftElsewhere: "这份草稿已在另一个标签页中打开。", backToPlaces: "返回地点",
    queued: "已完成，等待上传", unsynced: "{n} 条未上传",
    waitNetwork: "等待网络", waitRetry: "{s} 秒后重试", waitPhotos: "上传照片 {a}/{b}", waitLogin: "等待重新登录",
    attention: "需要处理：{m}", sending: "正在上传",
    photosRefused: "记录已上传并计分，但 {n} 张照片未被服务器接受：", photoRefused: "{item} 的照片：{m}", acknowledge: "知道了", syncNow: "立即上传", exportOutbox: "导出待上传记录",
    outboxEmpty: "没有待上传的记录", drafts: "草稿", resume: "继续",
    historyEmpty: "还没有已上传的检查", serverScore: "得分 {s}", flags: "标记",
    far_from_place: "距离过远", poor_accuracy: "定位精度差", no_fix: "无定位", mock_location: "模拟定位", clock_skew: "时间偏差", photo_refused: "照片被拒收", out_of_scope: "超出检查范围（待审核）",
    updateReady: "有新版本可用", update: "更新", updateBlocked: "请先完成或离开当前检查再更新。",
    insecure: "此页面通过不安全的 HTTP 打开：离线、相机和定位都无法使用。请使用 https:// 地址。",
    lowSpace: "手机存储空间不足 20%，请尽快联网上传。",
    iosHint: "在 iPhone 上请点击“分享”→“添加到主屏幕”，否则 Safari 可能在 7 天后清除未上传的记录。",
    offline: "离线", online: "在线", loading: "正在加载…",
    otherUserRecords: "此设备上还有其他用户未上传的记录，他们登录后会继续上传。",
    dueThisWeek: "本周待指导",
    // --- session, offline and the place list (issue 11, points 5 and 6) ---
    menu: "菜单", cancel: "取消", loggedInAs: "当前用户：{u}", reloginNow: "重新登录", goToOutbox: "查看待上传",
    logoutConfirm: "确定退出登录吗？", logoutRefused: "还有 {n} 条记录未上传，上传后才能退出登录。",
    needReloginToUpload: "需要联网重新登录后上传",
    needOnlineFirst: "此手机上没有 {u} 的登录记录：首次登录需要网络连接",
    unlockFailed: "密码错误（离线验证）", offlineLoginHint: "离线时，曾在此手机上登录过的用户可以用密码解锁。",
    bannerOffline: "离线：记录保存在手机上，联网后自动上传",
    bannerOfflineRelogin: "离线：记录保存在手机上，联网并重新登录后才能上传",
    bannerUnreachable: "连不上服务器：记录保存在手机上，稍后自动重试",
    nothingToSend: "没有需要上传的记录", uploadOffline: "现在离线：{n} 条记录会在联网后自动上传",
    uploadedN: "已上传 {n} 条", uploadedSome: "已上传 {n} 条，还有 {m} 条未上传", notUploadedYet: "还有 {m} 条未上传，原因见下方",
    waitRetryCause: "{c}，{s} 秒后重试", causeServer: "服务器错误 {code}", causeBusy: "服务器繁忙", causeTimeout: "服务器超时",
    causeOffline: "离线", causeNoAnswer: "连不上服务器",
    kind_community: "社区", kind_compound: "小区", kind_bin_station: "投放点", kind_public_institution: "公共机构",
    kind_enterprise: "企业", kind_public_place: "公共场所",
    doneWeekly: "本周已指导", doneMonthly: "本月已暗查", doneQuarterly: "本季已考核",
    noPlaceFound: "没有找到“{q}”，请换个名称或编号", noPlaces: "没有可检查的地点",
    listCapped: "只显示前 {n} 个，请搜索（共 {total} 个）",
    gpsDeniedHint: "定位权限被拒绝：列表按编号排列，不显示距离。可在浏览器设置中允许定位。",
    gpsUnavailableHint: "暂时无法定位：列表按编号排列，不显示距离。",
    // --- finishing an inspection (issue 11): the finish bar, item states, answer problems ---
    answeredCount: "已答 {a}/{b}", finishShort: "完成", leaveInspection: "← 返回地点（草稿已保存）",
    cannotFinish: "还不能完成，请处理以下各项（点击跳转）：", answerNothing: "还没有回答任何检查项。",
    itemMissing: "未回答", itemNeedsPhoto: "需要照片", itemAnswered: "已答", photoAttached: "已拍照",
    answerBadCheck: "请选择合格、不合格或不适用。", answerBadCount: "问题处数应为不小于 0 的整数。",
    answerBadSample: "抽查数至少为 1，错误数应在 0 到抽查数之间。", answerOutOfRange: "百分比应在 0 到 100 之间。",
    answerTooManyDecimals: "最多一位小数。", answerNotANumber: "应为数值。", answerNotText: "应为文字。",
    answerBadChoice: "应为该项的选项之一。", answerInvalid: "答案无效。",

    // --- fast answers and photos on the inspection screen (issue 11, points 2 and 4) ---
    noFaults: "无问题 (0)", allPass: "全部合格", percentMode: "录入方式",
    photoUnreadable: "无法读取这张照片（可能是 HEIC 格式）。请用应用内的“拍照”按钮重新拍摄。",
    photoDeleted: "已删除", undo: "撤销", delete: "删除",
    // --- in-app browsers (issue 11, point 11): the screen shown instead of the login ---
    inAppTitle: "请在手机浏览器中打开",
    inAppWhy: "微信等应用内置的浏览器不能可靠地保存离线数据，未上传的检查记录可能丢失。请改用手机自带的浏览器。",
    inAppHowWechat: "点右上角 ··· → 在浏览器打开",
    inAppHowOther: "点右上角的菜单 → 在浏览器打开",
    inAppIphone: "在 iPhone 上请用 Safari 打开，再“添加到主屏幕”。",
    inAppAndroid: "用手机自带的浏览器（或 Chrome）打开。",
    inAppOrCopy: "也可以复制下面的地址，粘贴到浏览器中：",
    inAppAddress: "网址", inAppCopy: "复制地址", inAppCopied: "已复制", inAppCopyFailed: "无法自动复制，请长按地址手动复制。",
    inAppContinue: "仍要继续（记录可能丢失）",
    // --- a record the server refused for its answers (issue 11 leftovers): which items, and reopening it to fix ---
    itemsRefused: "服务器拒收了这条记录：{n} 个检查项需要补答", fixRecord: "打开补答",
    refusalNotice: "服务器拒收了这条记录：请补答标红的检查项，再点“完成”重新放入待上传。",
    cannotReopen: "此手机上已没有这份检查表，无法补答。请导出待上传记录并联系管理员。",
    // --- rectification cases (整改, issue 13): the party's answers and the inspectors' re-checks ---
    casesTab: "整改", rechecksTab: "待复查", case_answer: "整改回复", case_recheck: "整改复查",
    casesEmpty: "目前没有待整改的案件。", rechecksEmpty: "目前没有待复查的案件。",
    caseDeadline: "整改期限 {d}", caseOverdue: "已逾期", caseProblems: "问题",
    caseState_open: "待整改", caseState_answered: "已回复", caseState_recheck_due: "待复查", caseState_escalated: "已升级",
    caseQueued: "已回复，待上传", caseSent: "已上传", recheckQueued: "已复查，待上传",
    caseAnswer: "整改回复", caseNote: "整改情况说明", casePhotos: "整改后照片（最多 {n} 张）",
    caseSubmit: "提交回复（放入待上传）", caseNoteRequired: "请填写整改情况说明。", caseNoteTooLong: "说明太长（最多 1000 字）。",
    casePhotosTooMany: "最多 3 张照片。", caseNotFound: "此手机上没有这个案件，请联网更新。",
    caseEvidenceNone: "（现场照片未经审核，暂不显示）", backToCases: "返回案件列表",
    recheck: "复查", recheckFixed: "已整改", recheckNotFixed: "未整改", recheckVerdict: "复查结论",
    recheckSubmit: "提交复查（放入待上传）", recheckChoose: "请选择“已整改”或“未整改”。", recheckNote: "复查说明",
  },
  en: {
    appName: "SortPatrol",
    login: "Log in", username: "Username", password: "Password", logout: "Log out",
    loginAgain: "Your login has expired; please log in again. Unsent records are kept.",
    loginFailed: "Wrong username or password",
    needOnline: "The first login needs a network connection",
    places: "Places", outbox: "Outbox", history: "History",
    nearest: "Nearby", search: "Search by name or code", scan: "Scan", scanUnsupported: "This browser cannot scan; use the phone's camera app on the label's link.",
    distance: "{d} away", noFix: "no GPS", packRefreshed: "Checklists updated {t}", refresh: "Refresh",
    noPack: "No inspection data yet: log in while online.",
    regime: "Regime", weekly_guidance: "Weekly guidance", monthly_covert: "Monthly covert", quarterly_assessment: "Quarterly assessment",
    start: "Start inspection", noChecklist: "No checklist of this kind for this place",
    pass: "Pass", fail: "Fail", na: "N/A",
    faults: "Faults", percentValue: "Percent", sample: "Sample", checked: "Checked", wrong: "Wrong",
    note: "Note", addPhoto: "Take photo", removePhoto: "Remove photo", photoRequired: "Photo required",
    gps: "Location", gpsAcc: "±{a} m, {d} from the place", gpsFar: "{d} from the place, beyond its {r} m radius", gpsPoor: "Poor accuracy (±{a} m)",
    gpsNone: "No location fix", gpsRetry: "Locate again",
    score: "Provisional score", unscored: "unscored", vetoed: "vetoed",
    excellent: "Excellent", good: "Good", gradePass: "Pass", gradeFail: "Fail",
    finish: "Finish and queue", discard: "Discard draft", missingPhotos: "Photos needed for: {items}",
    draftElsewhere: "This draft is open in another tab.", backToPlaces: "Back to places",
    queued: "Finished, waiting to upload", unsynced: "{n} unsent",
    waitNetwork: "waiting for network", waitRetry: "retry in {s} s", waitPhotos: "uploading photos {a}/{b}", waitLogin: "waiting for login",
    attention: "Needs attention: {m}", sending: "uploading",
    photosRefused: "Uploaded and scored, but the server refused {n} photo(s):", photoRefused: "photo for {item}: {m}", acknowledge: "OK, seen", syncNow: "Upload now", exportOutbox: "Export outbox",
    outboxEmpty: "Nothing waiting to upload", drafts: "Drafts", resume: "Resume",
    historyEmpty: "No uploaded inspections yet", serverScore: "Score {s}", flags: "Flags",
    far_from_place: "far from place", poor_accuracy: "poor accuracy", no_fix: "no fix", mock_location: "mock location", clock_skew: "clock skew", photo_refused: "photo refused", out_of_scope: "out of scope (for review)",
    updateReady: "A new version is available", update: "Update", updateBlocked: "Finish or leave the open inspection before updating.",
    insecure: "This page was opened over plain HTTP: offline use, camera and location cannot work. Use the https:// address.",
    lowSpace: "Less than 20% storage left on this phone; upload soon.",
    iosHint: "On iPhone tap Share → Add to Home Screen, or Safari may clear unsent records after 7 days.",
    offline: "offline", online: "online", loading: "Loading…",
    otherUserRecords: "Another user's unsent records are on this device; they upload when that user logs in.",
    dueThisWeek: "guidance due this week",
    // --- session, offline and the place list (issue 11, points 5 and 6) ---
    menu: "Menu", cancel: "Cancel", loggedInAs: "Logged in as {u}", reloginNow: "Log in again", goToOutbox: "Open outbox",
    logoutConfirm: "Log out now?", logoutRefused: "{n} record(s) not uploaded yet: upload them before logging out.",
    needReloginToUpload: "Log in again while online to upload",
    needOnlineFirst: "{u} has never logged in on this phone: the first login needs a network connection",
    unlockFailed: "Wrong password (checked offline)", offlineLoginHint: "Offline, a user who logged in on this phone before can unlock with their password.",
    bannerOffline: "Offline: records are kept on the phone and upload when the network returns",
    bannerOfflineRelogin: "Offline: records are kept on the phone; log in again online to upload them",
    bannerUnreachable: "Cannot reach the server: records are kept on the phone, retrying later",
    nothingToSend: "Nothing to upload", uploadOffline: "Offline now: {n} record(s) will upload when the network returns",
    uploadedN: "Uploaded {n}", uploadedSome: "Uploaded {n}, {m} still waiting", notUploadedYet: "{m} still waiting; see why below",
    waitRetryCause: "{c}, retry in {s} s", causeServer: "server error {code}", causeBusy: "server busy", causeTimeout: "server timed out",
    causeOffline: "offline", causeNoAnswer: "server not reachable",
    kind_community: "Community", kind_compound: "Compound", kind_bin_station: "Bin station", kind_public_institution: "Institution",
    kind_enterprise: "Enterprise", kind_public_place: "Public place",
    doneWeekly: "guided this week", doneMonthly: "covert done this month", doneQuarterly: "assessed this quarter",
    noPlaceFound: "Nothing found for “{q}”: try another name or code", noPlaces: "No places to inspect",
    listCapped: "Showing the first {n} only: search to narrow ({total} in all)",
    gpsDeniedHint: "Location is not allowed: the list is by code, without distances. Allow location in the browser's settings.",
    gpsUnavailableHint: "No location yet: the list is by code, without distances.",
    // --- finishing an inspection (issue 11): the finish bar, item states, answer problems ---
    answeredCount: "Answered {a}/{b}", finishShort: "Finish", leaveInspection: "← Back to places (draft kept)",
    cannotFinish: "Not finished yet; see to these (tap to go there):", answerNothing: "Nothing is answered yet.",
    itemMissing: "not answered", itemNeedsPhoto: "photo needed", itemAnswered: "answered", photoAttached: "photo taken",
    answerBadCheck: "Choose pass, fail or N/A.", answerBadCount: "The number of faults is a whole number, 0 or more.",
    answerBadSample: "A sample needs at least 1 checked, and wrong between 0 and the number checked.",
    answerOutOfRange: "A percentage is between 0 and 100.", answerTooManyDecimals: "At most one decimal.",
    answerNotANumber: "Must be a number.", answerNotText: "Must be text.", answerBadChoice: "Must be one of the choices.",
    answerInvalid: "Invalid answer.",

    // --- fast answers and photos on the inspection screen (issue 11, points 2 and 4) ---
    noFaults: "None (0)", allPass: "All pass", percentMode: "How to enter",
    photoUnreadable: "This photo cannot be read (perhaps HEIC). Take it again with the app's “Take photo” button.",
    photoDeleted: "Deleted", undo: "Undo", delete: "Delete",
    // --- in-app browsers (issue 11, point 11): the screen shown instead of the login ---
    inAppTitle: "Please open this in your phone's browser",
    inAppWhy: "The browser built into WeChat and other apps does not keep offline data dependably: unsent inspection records could be lost. Use the phone's own browser instead.",
    inAppHowWechat: "Tap ··· at the top right → Open in Browser",
    inAppHowOther: "Tap the menu at the top right → Open in Browser",
    inAppIphone: "On iPhone open it in Safari, then Add to Home Screen.",
    inAppAndroid: "Open it in the phone's own browser (or Chrome).",
    inAppOrCopy: "Or copy the address below and paste it into the browser:",
    inAppAddress: "Address", inAppCopy: "Copy address", inAppCopied: "Copied", inAppCopyFailed: "Could not copy; press and hold the address to copy it.",
    inAppContinue: "Continue anyway (records could be lost)",
    // --- a record the server refused for its answers (issue 11 leftovers): which items, and reopening it to fix ---
    itemsRefused: "Refused by the server: {n} item(s) need answers", fixRecord: "Open to fix",
    refusalNotice: "The server refused this record: answer the items marked in red, then tap Finish to queue it again.",
    cannotReopen: "This phone no longer has this checklist, so the record cannot be reopened. Export the outbox and tell your administrator.",
    // --- rectification cases (整改, issue 13): the party's answers and the inspectors' re-checks ---
    casesTab: "Cases", rechecksTab: "Re-checks", case_answer: "Case answer", case_recheck: "Case re-check",
    casesEmpty: "No cases to fix.", rechecksEmpty: "No cases due for re-check.",
    caseDeadline: "Fix by {d}", caseOverdue: "Overdue", caseProblems: "Problems",
    caseState_open: "To fix", caseState_answered: "Answered", caseState_recheck_due: "Re-check due", caseState_escalated: "Escalated",
    caseQueued: "Answered, waiting to upload", caseSent: "Uploaded", recheckQueued: "Re-checked, waiting to upload",
    caseAnswer: "Answer", caseNote: "What was done", casePhotos: "Photos after the fix (up to {n})",
    caseSubmit: "Send answer (queue it)", caseNoteRequired: "Say what was done.", caseNoteTooLong: "Too long (1000 characters at most).",
    casePhotosTooMany: "3 photos at most.", caseNotFound: "This case is not on this phone: update while online.",
    caseEvidenceNone: "(Evidence photos are not shown until reviewed)", backToCases: "Back to cases",
    recheck: "Re-check", recheckFixed: "Fixed", recheckNotFixed: "Not fixed", recheckVerdict: "Verdict",
    recheckSubmit: "Send re-check (queue it)", recheckChoose: "Choose Fixed or Not fixed.", recheckNote: "Re-check note",
  },
};

const STORAGE_KEY = "sortpatrol.lang";
let current = "zh";

/** Reads the saved language choice (Chinese unless the user switched). */
export function initLang(storage = globalThis.localStorage) {
  const saved = storage?.getItem(STORAGE_KEY);
  current = saved === "en" ? "en" : "zh";
  return current;
}

export function getLang() {
  return current;
}

export function setLang(lang, storage = globalThis.localStorage) {
  current = lang === "en" ? "en" : "zh";
  storage?.setItem(STORAGE_KEY, current);
  return current;
}

/** Translates a key, filling {placeholders}; unknown keys fall back to Chinese, then to the key itself. */
export function t(key, vars = {}) {
  const text = TABLE[current][key] ?? TABLE.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** A distance for people: metres below 1 km, kilometres with one decimal above. */
export function formatDistance(metres) {
  if (metres == null || !Number.isFinite(metres)) return "—";
  return metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`;
}
