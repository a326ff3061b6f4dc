/**
 * The page in Nepali (नेपाली), as a Nepali service writes to its customers. Typed by the English
 * catalogue: every key there must be here, with the same parameters.
 *
 * Word choices, kept in line with the Nepali SMS (src/sms/message/otp-templates.ts):
 * - तपाईं throughout, and the polite imperative in -नुहोस् (गर्नुहोस्, हाल्नुहोस्): the register
 *   businesses use with customers; तिमी is too familiar, हजुर too ceremonious for a form.
 *   तपाईं, छौं … with anusvara (ं), the common spelling, as the SMS writes it.
 * - प्रमाणीकरण / प्रमाणित: "verification" / "verified", the words of the SMS (प्रमाणीकरण कोड),
 *   spelt with दीर्घ ई as in the dictionary.
 * - कोड, फोन, मोबाइल, पासवर्ड, सर्भर, ब्राउजर, पेज, इन्टरनेट, लग इन/आउट: loanwords every Nepali
 *   reader of a web page knows; the Sanskrit coinages (गोप्य शब्द, प्रवेशपत्र) are read as odd.
 * - एसएमएस in Devanagari, as banks write it in Nepali text, rather than the Latin "SMS".
 * - हाल्नुहोस् ("put in") for typing a value: what Nepali wallets and banks say on their forms;
 *   प्रविष्ट गर्नुहोस् ("enter") is officialese.
 * - अङ्क (digit) with the nasal consonant, the spelling of the standard dictionary (also अंक).
 * - मान्य (valid) for a code's lifetime, as in the SMS; म्याद सकियो ("its time is up") for expiry.
 * - Sentences end with the danda (।); numbers the person reads are in Devanagari digits (५,
 *   ०:५८); phone numbers keep their usual ASCII form (+977 981-234-5678), as Nepal prints them.
 */

import type { Messages } from './en.js';

const DEVANAGARI_ZERO = 0x0966;

/** `0:58` → `०:५८`; only ASCII digits change. */
function devanagariDigits(text: string): string {
  return text.replace(/[0-9]/g, (digit) =>
    String.fromCharCode(DEVANAGARI_ZERO + digit.charCodeAt(0) - 0x30),
  );
}

const number = (n: number): string => devanagariDigits(String(n));

/** The operators as Nepali text names them (the server writes NTC, Ncell, Smart, UTL). */
const OPERATOR_NAMES: Readonly<Record<string, string>> = {
  NTC: 'नेपाल टेलिकम',
  Ncell: 'एनसेल',
  Smart: 'स्मार्ट सेल',
  UTL: 'यूटीएल',
};

/** `क`, `क र ख`, `क, ख र ग`. */
function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} र ${items[items.length - 1]}`;
}

export const ne: Messages = {
  language: 'ne',
  number,
  digits: devanagariDigits,

  page: {
    title: 'आफ्नो फोन नम्बर प्रमाणित गर्नुहोस्',
    brand: 'फोन प्रमाणीकरण',
    progressLabel: 'प्रगति',
    languageLabel: 'भाषा',
    loading: 'लोड हुँदै…',
    footer: 'कोड एसएमएसमा आउँछ र केही मिनेटसम्म मात्र मान्य हुन्छ। आफ्नो कोड कसैलाई पनि नदिनुहोस्।',
  },

  steps: {
    account: 'खाता',
    phone: 'फोन',
    code: 'कोड',
    // "Done": सम्पन्न (completed), not भयो, which needs a subject.
    verified: 'सम्पन्न',
  },

  account: {
    registerHeading: 'आफ्नो खाता बनाउनुहोस्',
    registerLead: 'त्यसपछि प्रवेश गर्न आफ्नो मोबाइल नम्बर प्रमाणित गर्नुहोस्।',
    // प्रयोगकर्ता नाम: the usual Nepali for "username" on forms.
    username: 'प्रयोगकर्ता नाम',
    // The server takes only Latin letters: "अङ्ग्रेजी अक्षर" tells a Devanagari typist so.
    usernameHint: '३–३० वटा अङ्ग्रेजी अक्षर, अङ्क, _ . वा -',
    password: 'पासवर्ड',
    passwordHint: 'कम्तीमा ८ अक्षर',
    createAccount: 'खाता बनाउनुहोस्',
    creatingAccount: 'खाता बनाउँदै…',
    haveAccount: 'पहिले नै खाता छ?',
    showLogin: 'लग इन गर्नुहोस्',
    loginHeading: 'लग इन',
    loginLead: 'फेरि स्वागत छ।',
    logIn: 'लग इन गर्नुहोस्',
    loggingIn: 'लग इन हुँदै…',
    newHere: 'यहाँ नयाँ हुनुहुन्छ?',
    showRegister: 'नयाँ खाता बनाउनुहोस्',
    loggedOut: 'तपाईं लग आउट हुनुभयो।',
  },

  phone: {
    heading: 'आफ्नो मोबाइल नम्बर प्रमाणित गर्नुहोस्',
    lead: (codeLength) => `हामी तपाईंलाई ${number(codeLength)} अङ्कको कोड एसएमएसमा पठाउनेछौं।`,
    label: 'मोबाइल नम्बर',
    placeholder: '98XXXXXXXX',
    hint: 'जस्तै {local} वा {international}',
    sendCode: 'कोड पठाउनुहोस्',
    sendingCode: 'कोड पठाउँदै…',
    keepVerified: 'प्रमाणित भइसकेको नम्बर नै राख्नुहोस्',
  },

  code: {
    // Nepali puts the number first: "{phone} मा … पठाइएको छ" ("to {phone} … has been sent").
    heading: 'कोड हाल्नुहोस्',
    lead: (codeLength) => `{phone} मा ${number(codeLength)} अङ्कको कोड पठाइएको छ।`,
    label: 'एसएमएसमा आएको कोड',
    verify: 'प्रमाणित गर्नुहोस्',
    checking: 'जाँच्दै…',
    resend: 'नयाँ कोड पठाउनुहोस्',
    resending: 'पठाउँदै…',
    // "After 0:58, send a new code": the wait first, as Nepali orders time before the act.
    resendIn: (clock) => `${devanagariDigits(clock)} पछि नयाँ कोड पठाउनुहोस्`,
    resendReady: 'अब तपाईं नयाँ कोड माग्न सक्नुहुन्छ।',
    newCodeSent: (phone) => `${phone} मा नयाँ कोड पठाइयो। पहिलेको कोड अब मान्य छैन।`,
  },

  verified: {
    heading: 'तपाईंको नम्बर प्रमाणित भयो',
    // A Latin username is followed by a separate को, as Nepali writes after foreign words.
    lead: '{phone} नम्बर {username} को खातामा प्रमाणित भयो।',
    loadingWelcome: 'स्वागत सन्देश लोड हुँदै…',
    welcome: 'स्वागत छ! तपाईंको फोन नम्बर प्रमाणित भइसकेको छ।',
  },

  common: {
    useAnotherNumber: 'अर्को नम्बर प्रयोग गर्नुहोस्',
    logOut: 'लग आउट गर्नुहोस्',
  },

  fields: {
    usernameRule: '३–३० वटा अङ्ग्रेजी अक्षर, अङ्क, _ . वा - प्रयोग गर्नुहोस्।',
    passwordRule: '८ देखि १२८ अक्षरसम्मको पासवर्ड राख्नुहोस्।',
    codeRule: (codeLength) => `एसएमएसमा आएको ${number(codeLength)} अङ्कको कोड हाल्नुहोस्।`,
    usernameMissing: 'आफ्नो प्रयोगकर्ता नाम हाल्नुहोस्।',
    passwordMissing: 'आफ्नो पासवर्ड हाल्नुहोस्।',
    phoneMissing: 'आफ्नो मोबाइल नम्बर हाल्नुहोस्।',
    invalid: 'यो विवरण फेरि जाँच्नुहोस्।',
  },

  // Nepali nouns of time take no plural after a number: १ मिनेट, १४ मिनेट.
  wait: {
    aLittleWhile: 'केही बेर',
    seconds: (n) => `${number(n)} सेकेन्ड`,
    minutes: (n) => `${number(n)} मिनेट`,
    hours: (n) => `${number(n)} घण्टा`,
  },

  // "…पछि" (after …) is written joined to its noun: १ मिनेटपछि, केही बेरपछि.
  errors: {
    checkInput: 'तपाईंले हालेको विवरण फेरि जाँच्नुहोस्।',
    usernameTaken: 'यो प्रयोगकर्ता नाम कसैले लिइसकेको छ।',
    usernameTakenHint: 'अर्को नाम छान्नुहोस्, वा यो तपाईंकै हो भने लग इन गर्नुहोस्।',
    invalidCredentials: 'प्रयोगकर्ता नाम वा पासवर्ड मिलेन।',
    tooManyLogins: (wait) => `धेरै पटक लग इन असफल भयो। ${wait} पर्खेर फेरि प्रयास गर्नुहोस्।`,
    tooManyRequests: (wait) => `तपाईंको नेटवर्कबाट धेरै प्रयास भए। ${wait} पर्खेर फेरि प्रयास गर्नुहोस्।`,
    invalidPhone: 'यो नम्बरमा हाम्रो कोड पठाउन मिल्दैन।',
    // The example keeps its ASCII form: it shows how the number is typed.
    phoneRejection: {
      not_a_string: 'फोन नम्बर पाठका रूपमा पठाउनुहोस्, जस्तै "98XXXXXXXX"।',
      empty: 'आफ्नो मोबाइल नम्बर हाल्नुहोस्, जस्तै 98XXXXXXXX।',
      not_a_phone_number: 'अङ्क मात्र प्रयोग गरेर नेपाली मोबाइल नम्बर हाल्नुहोस्, जस्तै 98XXXXXXXX।',
      too_short: 'यो नम्बर छोटो भयो: नेपाली मोबाइल नम्बरमा १० अङ्क हुन्छन्, जस्तै 98XXXXXXXX।',
      too_long: 'यो नम्बर लामो भयो: नेपाली मोबाइल नम्बरमा १० अङ्क हुन्छन्, जस्तै 98XXXXXXXX।',
      not_nepal: 'नेपालका (+977) मोबाइल नम्बर मात्र स्वीकार गरिन्छ, जस्तै 98XXXXXXXX।',
      not_mobile: 'यो नेपाली मोबाइल नम्बर होइन। मोबाइल नम्बर हाल्नुहोस्, जस्तै 98XXXXXXXX।',
      no_operator: 'अहिले कुनै पनि मोबाइल कम्पनीको नम्बर स्वीकार गरिँदैन।',
    },
    phoneRejectionOther: 'नेपाली मोबाइल नम्बर हाल्नुहोस्, जस्तै 98XXXXXXXX।',
    // "नेपाल टेलिकम र एनसेलका": the postposition joins the last name of the list.
    operatorsOnly: (operators) =>
      `${listOf(operators.map((name) => OPERATOR_NAMES[name] ?? name))}का मोबाइल नम्बर मात्र स्वीकार गरिन्छ।`,
    phoneAlreadyVerified: 'यो नम्बर तपाईंकै खातामा पहिले नै प्रमाणित छ।',
    phoneInUse: 'यो नम्बर अर्कै खातामा प्रमाणित भइसकेको छ।',
    phoneInUseHint: 'अर्को नम्बर प्रयोग गर्नुहोस्, वा यो नम्बर प्रमाणित गर्ने खातामा लग इन गर्नुहोस्।',
    phoneBlocked: (wait) => `यो नम्बरमा अहिले कोड पठाउन मिल्दैन। ${wait}पछि फेरि प्रयास गर्नुहोस्।`,
    challengeRequired: 'पहिले यो ब्राउजर जाँच्नुपर्छ। पेज फेरि लोड गरेर प्रयास गर्नुहोस्।',
    resendCooldown: (wait) => `भर्खरै कोड पठाइएको छ। ${wait}पछि तपाईं नयाँ कोड माग्न सक्नुहुन्छ।`,
    sendLimit: (wait) => `धेरै कोड पठाइसकियो। ${wait}पछि फेरि प्रयास गर्नुहोस्।`,
    smsGatewayError:
      'हाम्रो एसएमएस सेवा प्रदायकले यो नम्बरमा पठाउन मानेन। नम्बर जाँच्नुहोस्, वा केही बेरपछि फेरि प्रयास गर्नुहोस्।',
    smsGatewayUnavailable: 'अहिले एसएमएस पठाउन सकिँदैन। एक मिनेटपछि फेरि प्रयास गर्नुहोस्।',
    smsBudgetExhausted: 'आज पठाउन मिल्ने सबै कोड सकिए। भोलि फेरि प्रयास गर्नुहोस्।',
    invalidCode: 'यो कोड मिलेन।',
    attemptsLeft: (n) => `एसएमएस हेरेर फेरि प्रयास गर्नुहोस्: अझै ${number(n)} पटक प्रयास गर्न सकिन्छ।`,
    noAttemptsLeft: 'प्रयास सकियो: नयाँ कोड माग्नुहोस्।',
    checkTheCode: 'एसएमएसमा आएको कोड हेरेर फेरि प्रयास गर्नुहोस्।',
    expired: 'यो कोडको म्याद सकियो। नयाँ कोड माग्नुहोस्।',
    tooManyAttempts: 'धेरै पटक गलत कोड हालियो। फेरि प्रयास गर्न नयाँ कोड माग्नुहोस्।',
    notFound: 'यो नम्बरका लागि अब कुनै कोड बाँकी छैन। नयाँ कोड माग्नुहोस्।',
    phoneNotVerified: 'अगाडि बढ्न आफ्नो फोन नम्बर प्रमाणित गर्नुहोस्।',
    // सत्र: the word Nepali sites use for a login session.
    sessionEnded: 'तपाईंको सत्र सकियो। कृपया फेरि लग इन गर्नुहोस्।',
    network: 'सर्भरसम्म पुग्न सकिएन। इन्टरनेट जडान जाँचेर फेरि प्रयास गर्नुहोस्।',
    serverError: 'हाम्रो तर्फबाट केही गडबड भयो। कृपया फेरि प्रयास गर्नुहोस्।',
    pageError: 'यो पेजमा केही गडबड भयो। पेज फेरि लोड गरेर प्रयास गर्नुहोस्।',
    unknown: 'केही मिलेन। कृपया फेरि प्रयास गर्नुहोस्।',
  },
};
