// Telling an app's built-in browser from the phone's own, and iPadOS Safari from a Mac.
import assert from "node:assert/strict";
import test from "node:test";

import { inAppBrowser, isIosBrowser } from "../../pwa/js/notices.js";

const ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
const IPHONE_SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const IPAD_SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
const WECHAT_ANDROID = "Mozilla/5.0 (Linux; Android 13; V2148A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5061 MMWEBSDK/20230405 MMWEBID/2145 MicroMessenger/8.0.35.2360(0x28002351) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";
const WECHAT_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40(0x1800282a) NetType/WIFI Language/zh_CN";
const QQ_APP = "Mozilla/5.0 (Linux; Android 12; M2102J2SC Build/SKQ1.211006.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/89.0.4389.72 MQQBrowser/6.2 TBS/046247 Mobile Safari/537.36 V1_AND_SQ_8.9.28_3700_YYB_D QQ/8.9.28.10155 NetType/WIFI";
const QQ_BROWSER = "Mozilla/5.0 (Linux; U; Android 12; zh-cn; PEHM00) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/89.0.4389.72 MQQBrowser/13.6 Mobile Safari/537.36";
const ALIPAY = "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Ariver/1.1.0 AliApp(AP/10.3.20.6000) Nebula WK RVKType(0) AlipayDefined(nt:WIFI,ws:390|780|3.0) AlipayClient/10.3.20.6000 Language/zh-Hans";
const DINGTALK = "Mozilla/5.0 (Linux; U; Android 11; zh-CN; V2055A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.1.233 Mobile Safari/537.36 AliApp(DingTalk/6.5.50) com.alibaba.android.rimet/27385488 Channel/700159 language/zh-CN";
const WEIBO = "Mozilla/5.0 (iPhone; CPU iPhone OS 15_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Weibo (iPhone14,2__weibo__12.5.0__iphone__os15.4)";

test("the built-in browsers of WeChat, QQ, Alipay, DingTalk and Weibo are recognised by name", () => {
  assert.equal(inAppBrowser(WECHAT_ANDROID), "wechat");
  assert.equal(inAppBrowser(WECHAT_IPHONE), "wechat");
  assert.equal(inAppBrowser(QQ_APP), "qq");
  assert.equal(inAppBrowser(ALIPAY), "alipay");
  assert.equal(inAppBrowser(DINGTALK), "dingtalk");
  assert.equal(inAppBrowser(WEIBO), "weibo");
});

test("another app's Android web view counts as an in-app browser", () => {
  assert.equal(inAppBrowser("Mozilla/5.0 (Linux; Android 10; K; wv) AppleWebKit/537.36 Version/4.0 Chrome/120 Mobile Safari/537.36"), "other");
});

test("the phone's own browsers, QQ's standalone browser included, are not in-app browsers", () => {
  for (const ua of [ANDROID_CHROME, IPHONE_SAFARI, IPAD_SAFARI, QQ_BROWSER, "", undefined]) {
    assert.equal(inAppBrowser(ua), null, ua);
  }
});

test("iPadOS Safari reports a Mac and is told apart by its touch screen", () => {
  assert.equal(isIosBrowser(IPAD_SAFARI, false, 5), true);
  assert.equal(isIosBrowser(IPAD_SAFARI, false, 0), false);
  assert.equal(isIosBrowser(IPAD_SAFARI, true, 5), false);
  assert.equal(isIosBrowser(IPHONE_SAFARI, false), true);
});
