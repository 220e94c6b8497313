import { describe, expect, it } from 'vitest';
import {
  InvalidEventPatternError,
  matchesPattern,
  validatePattern,
} from '../../../local/eventbridge/pattern';

/** A case from the EventBridge user guide: section, pattern, event, whether it matches. */
interface Case {
  section: string;
  name: string;
  pattern: Record<string, unknown> | string;
  event: Record<string, unknown>;
  matches: boolean;
}

// Sample events from the user guide.
const ec2Terminated = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const autoscalingLaunch = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const macieAlert = {
  version: '0',
  id: '3e355723-fca9-4de3-9fd7-154c289d6b59',
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  account: '123456789012',
  time: '2017-04-24T22:28:49Z',
  region: 'us-east-1',
  resources: [
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id',
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
  ],
  detail: {
    'notification-type': 'ALERT_CREATED',
    name: 'Scanning bucket policies',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: { 'alert-type': 'basic', risk: 8 },
  },
};

/** The event the content-filtering examples are written against (event-ruler README sample). */
const ec2Running = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Running, detail });
const withTop = (fields: Record<string, unknown>) => ({ ...ec2Running, ...fields });

const numericPattern = {
  detail: {
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ numeric: ['=', 3.018e2] }],
  },
};

const complexPattern = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
  },
};

const cloudwatchOr = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
};

const cases: Case[] = [
  // --- Event patterns / Create event patterns -----------------------------------------------
  {
    section: 'Event patterns',
    name: 'EC2 instance-termination pattern matches the terminated event',
    pattern: {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    },
    event: ec2Terminated,
    matches: true,
  },
  {
    section: 'Event patterns',
    name: 'EC2 instance-termination pattern does not match a running instance',
    pattern: { source: ['aws.ec2'], detail: { state: ['terminated'] } },
    event: { ...ec2Terminated, detail: { ...ec2Terminated.detail, state: 'running' } },
    matches: false,
  },
  {
    section: 'Event patterns',
    name: 'every field named in the pattern must be present',
    pattern: { source: ['aws.ec2'], detail: { 'instance-type': ['t3.micro'] } },
    event: ec2Terminated,
    matches: false,
  },
  {
    section: 'Event patterns',
    name: 'string matching is exact and case-sensitive',
    pattern: { source: ['AWS.EC2'] },
    event: ec2Terminated,
    matches: false,
  },
  {
    section: 'Event patterns',
    name: 'fields must appear with the same nesting (state is under detail, not top level)',
    pattern: { state: ['terminated'] },
    event: ec2Terminated,
    matches: false,
  },
  // --- Match values (multiple values) --------------------------------------------------------
  {
    section: 'Match values',
    name: 'source is aws.ec2 or aws.fargate: aws.ec2 matches',
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: ec2Terminated,
    matches: true,
  },
  {
    section: 'Match values',
    name: 'source is aws.ec2 or aws.fargate: aws.fargate matches',
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: { ...ec2Terminated, source: 'aws.fargate' },
    matches: true,
  },
  {
    section: 'Match values',
    name: 'source is aws.ec2 or aws.fargate: aws.s3 does not match',
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: { ...ec2Terminated, source: 'aws.s3' },
    matches: false,
  },
  // --- Null values and empty strings ---------------------------------------------------------
  {
    section: 'Matching null values and empty strings',
    name: 'eventVersion [""] matches the empty string',
    pattern: { detail: { eventVersion: [''] } },
    event: autoscalingLaunch,
    matches: true,
  },
  {
    section: 'Matching null values and empty strings',
    name: 'responseElements [null] matches null',
    pattern: { detail: { responseElements: [null] } },
    event: autoscalingLaunch,
    matches: true,
  },
  {
    section: 'Matching null values and empty strings',
    name: 'an empty-string pattern does not match null',
    pattern: { detail: { responseElements: [''] } },
    event: autoscalingLaunch,
    matches: false,
  },
  {
    section: 'Matching null values and empty strings',
    name: 'a null pattern does not match the empty string',
    pattern: { detail: { eventVersion: [null] } },
    event: autoscalingLaunch,
    matches: false,
  },
  {
    section: 'Field matching',
    name: 'source, detail-type and responseElements null',
    pattern: {
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Successful'],
      detail: { responseElements: [null] },
    },
    event: autoscalingLaunch,
    matches: true,
  },
  // --- Value matching (Macie) ------------------------------------------------------------------
  {
    section: 'Value matching',
    name: 'risk-score 80 and trigger risk 8',
    pattern: {
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    },
    event: macieAlert,
    matches: true,
  },
  {
    section: 'Value matching',
    name: 'a different risk-score does not match',
    pattern: { detail: { 'risk-score': [79], trigger: { risk: [8] } } },
    event: macieAlert,
    matches: false,
  },
  {
    section: 'Value matching',
    name: 'a number pattern does not match the same digits as a string',
    pattern: { detail: { 'risk-score': ['80'] } },
    event: macieAlert,
    matches: false,
  },
  // --- Arrays ----------------------------------------------------------------------------------
  {
    section: 'Arrays in event patterns',
    name: 'matches when the pattern array and the event array intersect',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    event: withTop({
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    }),
    matches: true,
  },
  {
    section: 'Arrays in event patterns',
    name: 'does not match when the arrays do not intersect',
    pattern: { resources: ['arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] },
    event: withTop({ resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] }),
    matches: false,
  },
  {
    section: 'Arrays in event patterns',
    name: 'an event array element matches a tag value',
    pattern: { detail: { tags: ['Insider'] } },
    event: macieAlert,
    matches: true,
  },
  // --- Prefix matching -------------------------------------------------------------------------
  {
    section: 'Prefix matching',
    name: 'time starting with 2017-10-02',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: withTop({ time: '2017-10-02T18:43:48Z' }),
    matches: true,
  },
  {
    section: 'Prefix matching',
    name: 'time on another day does not match',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: withTop({ time: '2017-10-03T18:43:48Z' }),
    matches: false,
  },
  {
    section: 'Prefix matching',
    name: 'prefix matching only works on strings',
    pattern: { detail: { 'c-count': [{ prefix: '5' }] } },
    event: ec2Running,
    matches: false,
  },
  {
    section: 'Prefix matching',
    name: 'Auto Scaling events from European regions: eu-west-1',
    pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
    event: { ...autoscalingLaunch, region: 'eu-west-1' },
    matches: true,
  },
  {
    section: 'Prefix matching',
    name: 'Auto Scaling events from European regions: us-east-1 does not match',
    pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
    event: autoscalingLaunch,
    matches: false,
  },
  {
    section: 'Prefix matching while ignoring case',
    name: 'service starting with "eventb" in any case',
    pattern: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] },
    event: withTop({ service: 'EventBridge' }),
    matches: true,
  },
  {
    section: 'Prefix matching while ignoring case',
    name: 'a value without that prefix does not match',
    pattern: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] },
    event: withTop({ service: 'Bridge' }),
    matches: false,
  },
  // --- Suffix matching -------------------------------------------------------------------------
  {
    section: 'Suffix matching',
    name: 'FileName ending with .png',
    pattern: { FileName: [{ suffix: '.png' }] },
    event: withTop({ FileName: 'photo.png' }),
    matches: true,
  },
  {
    section: 'Suffix matching',
    name: 'FileName ending with .PNG does not match (case-sensitive)',
    pattern: { FileName: [{ suffix: '.png' }] },
    event: withTop({ FileName: 'photo.PNG' }),
    matches: false,
  },
  {
    section: 'Suffix matching while ignoring case',
    name: 'service ending with "tBridge" in any case',
    pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] },
    event: withTop({ service: 'EVENTBRIDGE' }),
    matches: true,
  },
  {
    section: 'Suffix matching while ignoring case',
    name: 'a value with another ending does not match',
    pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] },
    event: withTop({ service: 'EventBus' }),
    matches: false,
  },
  // --- Anything-but ----------------------------------------------------------------------------
  {
    section: 'Anything-but matching',
    name: 'state anything but "initializing": running matches',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: ec2Running,
    matches: true,
  },
  {
    section: 'Anything-but matching',
    name: 'state anything but "initializing": initializing does not match',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: withDetail({ state: 'initializing' }),
    matches: false,
  },
  {
    section: 'Anything-but matching',
    name: 'x-limit anything but 123: 301.8 matches',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: ec2Running,
    matches: true,
  },
  {
    section: 'Anything-but matching',
    name: 'x-limit anything but 123: 123 does not match',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: withDetail({ 'x-limit': 123 }),
    matches: false,
  },
  {
    section: 'Anything-but matching',
    name: 'anything but a list of strings: stopped does not match',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: withDetail({ state: 'stopped' }),
    matches: false,
  },
  {
    section: 'Anything-but matching',
    name: 'anything but a list of strings: running matches',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: ec2Running,
    matches: true,
  },
  {
    section: 'Anything-but matching',
    name: 'anything but a list of numbers: 200 does not match',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: withDetail({ 'x-limit': 200 }),
    matches: false,
  },
  {
    section: 'Anything-but matching',
    name: 'anything but a list of numbers: 150 matches',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: withDetail({ 'x-limit': 150 }),
    matches: true,
  },
  {
    section: 'Anything-but matching',
    name: 'anything but CloudTrail API calls',
    pattern: { 'detail-type': [{ 'anything-but': 'AWS API Call via CloudTrail' }] },
    event: ec2Running,
    matches: true,
  },
  {
    section: 'Anything-but matching',
    name: 'all events except from EC2 or S3: EC2 does not match',
    pattern: { source: [{ 'anything-but': ['aws.ec2', 'aws.s3'] }] },
    event: ec2Running,
    matches: false,
  },
  {
    section: 'Anything-but matching',
    name: 'all events except from EC2 or S3: Lambda matches',
    pattern: { source: [{ 'anything-but': ['aws.ec2', 'aws.s3'] }] },
    event: withTop({ source: 'aws.lambda' }),
    matches: true,
  },
  {
    section: 'Anything-but matching on prefix',
    name: 'state without prefix "init": initializing does not match',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: withDetail({ state: 'initializing' }),
    matches: false,
  },
  {
    section: 'Anything-but matching on prefix',
    name: 'only your own events: source not starting with "aws."',
    pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
    event: withTop({ source: 'com.supplyline.procurement' }),
    matches: true,
  },
  {
    section: 'Anything-but matching on prefix',
    name: 'only your own events: aws.ec2 does not match',
    pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
    event: ec2Running,
    matches: false,
  },
  {
    section: 'Anything-but matching on suffix',
    name: 'FileName not ending with .png: photo.png does not match',
    pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    event: withTop({ FileName: 'photo.png' }),
    matches: false,
  },
  {
    section: 'Anything-but matching on suffix',
    name: 'FileName not ending with .png: notes.txt matches',
    pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    event: withTop({ FileName: 'notes.txt' }),
    matches: true,
  },
  {
    section: 'Anything-but matching ignoring case',
    name: 'state anything but "initializing" in any case: INITIALIZING does not match',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    event: withDetail({ state: 'INITIALIZING' }),
    matches: false,
  },
  {
    section: 'Anything-but matching ignoring case',
    name: 'state anything but a list in any case: Running matches',
    pattern: {
      detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'STOPPED'] } }] },
    },
    event: withDetail({ state: 'Running' }),
    matches: true,
  },
  {
    section: 'Anything-but matching ignoring case',
    name: 'state anything but a list in any case: stopped does not match',
    pattern: {
      detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'STOPPED'] } }] },
    },
    event: withDetail({ state: 'stopped' }),
    matches: false,
  },
  {
    section: 'Anything-but matching using a wildcard',
    name: 'FilePath not including /lib/: /usr/lib/libc.so does not match',
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    event: withTop({ FilePath: '/usr/lib/libc.so' }),
    matches: false,
  },
  {
    section: 'Anything-but matching using a wildcard',
    name: 'FilePath not including /lib/: /usr/bin/node matches',
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    event: withTop({ FilePath: '/usr/bin/node' }),
    matches: true,
  },
  // --- Numeric matching ------------------------------------------------------------------------
  {
    section: 'Numeric matching',
    name: 'c-count in (0, 5], d-count < 10, x-limit = 3.018e2',
    pattern: numericPattern,
    event: ec2Running,
    matches: true,
  },
  {
    section: 'Numeric matching',
    name: 'c-count 0 is outside (0, 5]',
    pattern: numericPattern,
    event: withDetail({ ...ec2Running.detail, 'c-count': 0 }),
    matches: false,
  },
  {
    section: 'Numeric matching',
    name: 'c-count 5.5 is outside (0, 5]',
    pattern: numericPattern,
    event: withDetail({ ...ec2Running.detail, 'c-count': 5.5 }),
    matches: false,
  },
  {
    section: 'Numeric matching',
    name: 'd-count 10 is not < 10',
    pattern: numericPattern,
    event: withDetail({ ...ec2Running.detail, 'd-count': 10 }),
    matches: false,
  },
  {
    section: 'Numeric matching',
    name: 'x-limit 301.80001 is not = 301.8',
    pattern: numericPattern,
    event: withDetail({ ...ec2Running.detail, 'x-limit': 301.80001 }),
    matches: false,
  },
  {
    section: 'Numeric matching',
    name: 'numeric matching only works on JSON numbers (not numeric strings)',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0] }] } },
    event: withDetail({ 'c-count': '5' }),
    matches: false,
  },
  {
    section: 'Comparison operators',
    name: 'Price more than 10 and at most 20: 20 matches',
    pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
    event: withTop({ Price: 20 }),
    matches: true,
  },
  {
    section: 'Comparison operators',
    name: 'Price more than 10 and at most 20: 10 does not match',
    pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
    event: withTop({ Price: 10 }),
    matches: false,
  },
  {
    section: 'Comparison operators',
    name: 'Price >= 10 closed lower bound: 10 matches',
    pattern: { Price: [{ numeric: ['>=', 10, '<', 20] }] },
    event: withTop({ Price: 10 }),
    matches: true,
  },
  {
    section: 'Comparison operators',
    name: 'Price is 100 (number equality)',
    pattern: { Price: [100] },
    event: withTop({ Price: 100 }),
    matches: true,
  },
  // --- IP address matching ---------------------------------------------------------------------
  {
    section: 'IP address matching',
    name: 'source-ip in 10.0.0.0/24: 10.0.0.33 matches',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    event: ec2Running,
    matches: true,
  },
  {
    section: 'IP address matching',
    name: 'source-ip in 10.0.0.0/24: 10.0.0.255 matches',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: withDetail({ sourceIPAddress: '10.0.0.255' }),
    matches: true,
  },
  {
    section: 'IP address matching',
    name: 'source-ip in 10.0.0.0/24: 10.0.1.0 does not match',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: withDetail({ sourceIPAddress: '10.0.1.0' }),
    matches: false,
  },
  {
    section: 'IP address matching',
    name: 'IPv6: 2001:db8:1::42 is in 2001:db8::/32',
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } },
    event: withDetail({ sourceIPAddress: '2001:db8:1::42' }),
    matches: true,
  },
  {
    section: 'IP address matching',
    name: 'IPv6: 2001:db9::1 is not in 2001:db8::/32',
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } },
    event: withDetail({ sourceIPAddress: '2001:db9::1' }),
    matches: false,
  },
  {
    section: 'IP address matching',
    name: 'an IPv4 address never matches an IPv6 range',
    pattern: { detail: { sourceIPAddress: [{ cidr: '::/1' }] } },
    event: withDetail({ sourceIPAddress: '10.0.0.1' }),
    matches: false,
  },
  {
    section: 'IP address matching',
    name: 'a string that is not an IP address does not match',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/8' }] } },
    event: withDetail({ sourceIPAddress: 'localhost' }),
    matches: false,
  },
  // --- Exists matching -------------------------------------------------------------------------
  {
    section: 'Exists matching',
    name: 'detail.state exists: EC2 pending event matches',
    pattern: { detail: { state: [{ exists: true }] } },
    event: {
      version: '0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      account: '123456789012',
      time: '2015-11-11T21:29:54Z',
      region: 'us-east-1',
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
      detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
    },
    matches: true,
  },
  {
    section: 'Exists matching',
    name: 'detail.state exists: an event without detail.state does not match',
    pattern: { detail: { state: [{ exists: true }] } },
    event: withDetail({ 'c-count': { c1: 100 } }),
    matches: false,
  },
  {
    section: 'Exists matching',
    name: 'detail.c-count does not exist: matches an event without it',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: withDetail({ state: ['initializing', 'running'] }),
    matches: true,
  },
  {
    section: 'Exists matching',
    name: 'exists only works on leaf nodes: c-count as an object counts as absent',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: withDetail({ state: ['initializing', 'running'], 'c-count': { c1: 100 } }),
    matches: true,
  },
  {
    section: 'Exists matching',
    name: 'detail.c-count does not exist: an event with c-count 5 does not match',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: ec2Running,
    matches: false,
  },
  {
    section: 'Exists matching',
    name: 'existence example: events that have a description',
    pattern: { detail: { description: [{ exists: true }] } },
    event: withDetail({ description: 'full-text index me' }),
    matches: true,
  },
  // --- Equals-ignore-case ----------------------------------------------------------------------
  {
    section: 'Equals-ignore-case matching',
    name: 'Name is "alice" in any case: ALICE matches',
    pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
    event: withTop({ Name: 'ALICE' }),
    matches: true,
  },
  {
    section: 'Equals-ignore-case matching',
    name: 'Name is "alice" in any case: Alicia does not match',
    pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
    event: withTop({ Name: 'Alicia' }),
    matches: false,
  },
  // --- Wildcard --------------------------------------------------------------------------------
  {
    section: 'Wildcard matching',
    name: 'an event bus ARN in any account',
    pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    event: withTop({ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/supplyline' }),
    matches: true,
  },
  {
    section: 'Wildcard matching',
    name: 'dir/*.png matches dir/photo.png',
    pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
    event: withTop({ FileName: 'dir/photo.png' }),
    matches: true,
  },
  {
    section: 'Wildcard matching',
    name: 'dir/*.png does not match dir/photo.jpg',
    pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
    event: withTop({ FileName: 'dir/photo.jpg' }),
    matches: false,
  },
  {
    section: 'Wildcard matching',
    name: 'Simple*Service: the wildcard may match nothing',
    pattern: { source: [{ wildcard: 'Simple*Service' }] },
    event: withTop({ source: 'SimpleService' }),
    matches: true,
  },
  {
    section: 'Wildcard matching',
    name: 'an escaped asterisk matches a literal asterisk only',
    pattern: { code: [{ wildcard: 'A\\*B' }] },
    event: withTop({ code: 'AxB' }),
    matches: false,
  },
  {
    section: 'Wildcard matching',
    name: 'an escaped asterisk matches "A*B"',
    pattern: { code: [{ wildcard: 'A\\*B' }] },
    event: withTop({ code: 'A*B' }),
    matches: true,
  },
  {
    section: 'Wildcard matching',
    name: 'other characters are literal, even regex metacharacters',
    pattern: { FileName: [{ wildcard: 'report(v1).*' }] },
    event: withTop({ FileName: 'report-v1-.csv' }),
    matches: false,
  },
  {
    section: 'Wildcard matching',
    name: 'other characters are literal: report(v1).csv matches',
    pattern: { FileName: [{ wildcard: 'report(v1).*' }] },
    event: withTop({ FileName: 'report(v1).csv' }),
    matches: true,
  },
  {
    section: 'Wildcard matching',
    name: 'an escaped backslash matches a literal backslash',
    pattern: { path: [{ wildcard: 'C:\\\\*' }] },
    event: withTop({ path: 'C:\\temp' }),
    matches: true,
  },
  // --- Complex example -------------------------------------------------------------------------
  {
    section: 'Complex example with multiple matching',
    name: 'prefix, anything-but and numeric together',
    pattern: complexPattern,
    event: ec2Running,
    matches: true,
  },
  {
    section: 'Complex example with multiple matching',
    name: 'fails when one field (x-limit 300) is excluded',
    pattern: complexPattern,
    event: withDetail({ ...ec2Running.detail, 'x-limit': 300 }),
    matches: false,
  },
  // --- $or -------------------------------------------------------------------------------------
  {
    section: '$or matching',
    name: 'source and (metricName or namespace): metricName matches',
    pattern: cloudwatchOr,
    event: withTop({ source: 'aws.cloudwatch', metricName: 'CPUUtilization' }),
    matches: true,
  },
  {
    section: '$or matching',
    name: 'source and (metricName or namespace): namespace matches',
    pattern: cloudwatchOr,
    event: withTop({ source: 'aws.cloudwatch', namespace: 'AWS/ES' }),
    matches: true,
  },
  {
    section: '$or matching',
    name: 'source and (metricName or namespace): neither does not match',
    pattern: cloudwatchOr,
    event: withTop({ source: 'aws.cloudwatch', metricName: 'Other' }),
    matches: false,
  },
  {
    section: '$or matching',
    name: 'source and (metricName or namespace): wrong source does not match',
    pattern: cloudwatchOr,
    event: withTop({ source: 'aws.ec2', metricName: 'CPUUtilization' }),
    matches: false,
  },
  {
    section: '$or matching',
    name: 'Location is New York or Day is Monday',
    pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    event: withTop({ Location: 'Paris', Day: 'Monday' }),
    matches: true,
  },
  {
    section: '$or matching',
    name: '$or alternative with an AND inside needs both fields',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
        { scope: ['Service'] },
      ],
    },
    event: withTop({ source: 'aws.cloudwatch', metricType: 'MetricType' }),
    matches: false,
  },
  {
    section: '$or matching',
    name: 'nested $or inside a $or alternative',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
      ],
    },
    event: withTop({
      source: 'aws.cloudwatch',
      metricType: 'MetricType',
      namespace: 'AWS/EC2',
      spaceId: 1000,
    }),
    matches: true,
  },
  {
    section: '$or matching',
    name: '$or inside detail',
    pattern: { detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { state: ['running'] }] } },
    event: ec2Running,
    matches: true,
  },
  // --- Comparison operators table --------------------------------------------------------------
  {
    section: 'Comparison operators',
    name: 'And: Location is New York and Day is Monday',
    pattern: { Location: ['New York'], Day: ['Monday'] },
    event: withTop({ Location: 'New York', Day: 'Tuesday' }),
    matches: false,
  },
  {
    section: 'Comparison operators',
    name: 'Weather is anything but Raining',
    pattern: { Weather: [{ 'anything-but': ['Raining'] }] },
    event: withTop({ Weather: 'Sunny' }),
    matches: true,
  },
  {
    section: 'Comparison operators',
    name: 'UserID is null',
    pattern: { UserID: [null] },
    event: withTop({ UserID: null }),
    matches: true,
  },
  {
    section: 'Comparison operators',
    name: 'LastName is empty',
    pattern: { LastName: [''] },
    event: withTop({ LastName: '' }),
    matches: true,
  },
  {
    section: 'Comparison operators',
    name: 'PaymentType is Credit or Debit',
    pattern: { PaymentType: ['Credit', 'Debit'] },
    event: withTop({ PaymentType: 'Cash' }),
    matches: false,
  },
  {
    section: 'Comparison operators',
    name: 'ProductName does not exist',
    pattern: { ProductName: [{ exists: false }] },
    event: ec2Running,
    matches: true,
  },
  {
    section: 'Complex example with multiple matching',
    name: 'a key given twice keeps only the last condition (documented note)',
    pattern: '{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}',
    event: withDetail({ location: 'eu-west' }),
    matches: true,
  },
];

describe('matchesPattern: examples from the EventBridge documentation', () => {
  it.each(cases.map((c) => [`${c.section}: ${c.name}`, c] as const))('%s', (_title, c) => {
    expect(matchesPattern(c.pattern, c.event)).toBe(c.matches);
  });
});

describe('matchesPattern: edge cases', () => {
  it('compares numbers numerically: 5 matches 5.0 and 300 matches 3.0e2', () => {
    expect(matchesPattern({ detail: { n: [5] } }, JSON.parse('{"detail":{"n":5.0}}'))).toBe(true);
    expect(matchesPattern('{"detail":{"n":[300]}}', JSON.parse('{"detail":{"n":3.0e2}}'))).toBe(true);
    expect(matchesPattern({ detail: { n: [{ numeric: ['=', 5] }] } }, { detail: { n: 5.0 } })).toBe(true);
    expect(matchesPattern({ detail: { n: [0.1] } }, { detail: { n: 0.1 } })).toBe(true);
    expect(matchesPattern({ detail: { n: [{ numeric: ['>', 0.3] }] } }, { detail: { n: 0.1 + 0.2 } })).toBe(
      false,
    );
  });

  it('matches large integers such as account numbers exactly', () => {
    expect(matchesPattern({ account: [123456789012] }, { account: 123456789012 })).toBe(true);
    expect(matchesPattern({ account: ['123456789012'] }, { account: '123456789012' })).toBe(true);
    expect(matchesPattern({ account: ['123456789012'] }, { account: 123456789012 })).toBe(false);
  });

  it('matches booleans only as booleans', () => {
    expect(matchesPattern({ detail: { ok: [true] } }, { detail: { ok: true } })).toBe(true);
    expect(matchesPattern({ detail: { ok: [true] } }, { detail: { ok: 'true' } })).toBe(false);
    expect(matchesPattern({ detail: { ok: ['true'] } }, { detail: { ok: true } })).toBe(false);
  });

  it('flattens arrays of objects: a field inside any element matches', () => {
    const event = {
      detail: {
        employees: [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
          { firstName: 'Peter', lastName: 'Jones' },
        ],
      },
    };
    expect(matchesPattern({ detail: { employees: { firstName: ['Anna'] } } }, event)).toBe(true);
    expect(
      matchesPattern({ detail: { employees: { firstName: ['Anna'], lastName: ['Smith'] } } }, event),
    ).toBe(true);
  });

  it('requires fields matched inside one array element to come from the same element', () => {
    const event = {
      detail: {
        employees: [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
          { firstName: 'Peter', lastName: 'Jones' },
        ],
      },
    };
    expect(
      matchesPattern({ detail: { employees: { firstName: ['Anna'], lastName: ['Jones'] } } }, event),
    ).toBe(false);
  });

  it('handles nested arrays (arrays of arrays of objects)', () => {
    const event = {
      lines: [
        [
          { sku: 'A', qty: 1 },
          { sku: 'B', qty: 2 },
        ],
        [{ sku: 'C', qty: 3 }],
      ],
    };
    expect(matchesPattern({ lines: { sku: ['C'], qty: [3] } }, event)).toBe(true);
    expect(matchesPattern({ lines: { sku: ['C'], qty: [2] } }, event)).toBe(false);
  });

  it('treats a missing field as not matching every positive condition', () => {
    for (const condition of [
      ['x'],
      [{ prefix: '' }],
      [{ 'anything-but': 'x' }],
      [{ 'anything-but': { prefix: 'x' } }],
      [{ numeric: ['>', 0] }],
      [{ exists: true }],
      [{ 'equals-ignore-case': 'x' }],
      [{ wildcard: '*' }],
    ]) {
      expect(matchesPattern({ detail: { missing: condition } }, { detail: { other: 1 } })).toBe(false);
    }
  });

  it('treats null as a present value for exists', () => {
    expect(matchesPattern({ detail: { v: [{ exists: true }] } }, { detail: { v: null } })).toBe(true);
    expect(matchesPattern({ detail: { v: [{ exists: false }] } }, { detail: { v: null } })).toBe(false);
  });

  it('treats an empty array as absent', () => {
    expect(matchesPattern({ resources: [{ exists: false }] }, { resources: [] })).toBe(true);
    expect(matchesPattern({ resources: [{ exists: true }] }, { resources: [] })).toBe(false);
  });

  it('allows a value or absence in one list', () => {
    const pattern = { detail: { priority: ['high', { exists: false }] } };
    expect(matchesPattern(pattern, { detail: {} })).toBe(true);
    expect(matchesPattern(pattern, { detail: { other: 1 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { priority: 'high' } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { priority: 'low' } })).toBe(false);
  });

  it('anything-but matches when any element of an event array is not excluded', () => {
    const pattern = { detail: { states: [{ 'anything-but': 'a' }] } };
    expect(matchesPattern(pattern, { detail: { states: ['a', 'b'] } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { states: ['a'] } })).toBe(false);
  });

  it('anything-but excludes only values of its own type', () => {
    expect(matchesPattern({ detail: { v: [{ 'anything-but': 'x' }] } }, { detail: { v: 5 } })).toBe(true);
    expect(matchesPattern({ detail: { v: [{ 'anything-but': [5] }] } }, { detail: { v: '5' } })).toBe(true);
    expect(matchesPattern({ detail: { v: [{ 'anything-but': [5] }] } }, { detail: { v: 5.0 } })).toBe(false);
  });

  it('matches prefixes and suffixes against any element of an event array', () => {
    expect(
      matchesPattern(
        { resources: [{ prefix: 'arn:aws:s3' }] },
        { resources: ['arn:aws:ec2:x', 'arn:aws:s3:::b'] },
      ),
    ).toBe(true);
  });

  it('matches the full envelope including account, region and replay-name', () => {
    const envelope = { ...ec2Running, 'replay-name': 'nightly' };
    expect(matchesPattern({ account: ['012345679012'], region: ['us-east-1'] }, envelope)).toBe(true);
    expect(matchesPattern({ 'replay-name': [{ exists: true }] }, envelope)).toBe(true);
    expect(matchesPattern({ 'replay-name': [{ exists: true }] }, ec2Running)).toBe(false);
  });

  it('does not match non-object events', () => {
    expect(matchesPattern({ source: ['x'] }, null)).toBe(false);
    expect(matchesPattern({ source: ['x'] }, ['x'])).toBe(false);
  });

  it('throws for an invalid pattern instead of silently not matching', () => {
    expect(() => matchesPattern({ source: 'aws.ec2' }, ec2Running)).toThrow(InvalidEventPatternError);
  });
});

describe('validatePattern', () => {
  it.each<[string, unknown]>([
    ['a pattern that is not an object', ['source']],
    ['an empty pattern', {}],
    ['an empty nested object', { detail: {} }],
    ['a leaf that is not an array', { source: 'aws.ec2' }],
    ['a numeric leaf that is not an array', { detail: { count: 5 } }],
    ['an empty value list', { source: [] }],
    ['a nested array as a value', { source: [['aws.ec2']] }],
    ['an unknown operator', { source: [{ contains: 'ec2' }] }],
    ['two operators in one expression', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['an empty match expression', { source: [{}] }],
    ['a prefix that is not a string', { source: [{ prefix: 5 }] }],
    ['prefix with an unsupported nested operator', { source: [{ prefix: { wildcard: 'a*' } }] }],
    ['numeric not given an array', { n: [{ numeric: '>5' }] }],
    ['an unknown numeric operator', { n: [{ numeric: ['!=', 5] }] }],
    ['a numeric range with the bottom above the top', { n: [{ numeric: ['>', 10, '<', 5] }] }],
    ['a numeric range with the upper operator first', { n: [{ numeric: ['<', 10, '>', 5] }] }],
    ['a numeric range with a wrong second operator', { n: [{ numeric: ['>', 0, '>', 5] }] }],
    ['a numeric value that is a string', { n: [{ numeric: ['>', '5'] }] }],
    ['a numeric value beyond 5e9', { n: [{ numeric: ['<', 6e9] }] }],
    ['a numeric value with more than six decimals', { n: [{ numeric: ['=', 0.0000001] }] }],
    ['too many numeric terms', { n: [{ numeric: ['>', 0, '<', 5, '<', 6] }] }],
    ['anything-but with mixed strings and numbers', { s: [{ 'anything-but': ['a', 1] }] }],
    ['anything-but with null', { s: [{ 'anything-but': null }] }],
    ['anything-but with a boolean in the list', { s: [{ 'anything-but': [true] }] }],
    ['anything-but with an unsupported nested operator', { s: [{ 'anything-but': { numeric: ['>', 1] } }] }],
    ['anything-but with an empty prefix', { s: [{ 'anything-but': { prefix: '' } }] }],
    [
      'anything-but equals-ignore-case with a number',
      { s: [{ 'anything-but': { 'equals-ignore-case': [1] } }] },
    ],
    ['consecutive wildcard characters', { s: [{ wildcard: 'a**b' }] }],
    ['an invalid wildcard escape', { s: [{ wildcard: 'a\\b' }] }],
    ['an invalid anything-but wildcard', { s: [{ 'anything-but': { wildcard: '**' } }] }],
    ['a cidr without a mask', { ip: [{ cidr: '10.0.0.0' }] }],
    ['a cidr with an invalid address', { ip: [{ cidr: '10.0.0.256/24' }] }],
    ['a cidr with a non-numeric mask', { ip: [{ cidr: '10.0.0.0/x' }] }],
    ['an IPv4 cidr with a /32 mask', { ip: [{ cidr: '10.0.0.1/32' }] }],
    ['exists that is not a boolean', { s: [{ exists: 'true' }] }],
    ['equals-ignore-case that is not a string', { s: [{ 'equals-ignore-case': 5 }] }],
    ['$or that is not an array', { $or: { a: ['x'] } }],
    ['$or with a single alternative', { $or: [{ a: ['x'] }] }],
    ['$or with a non-object alternative', { $or: [{ a: ['x'] }, ['b']] }],
    ['a reserved keyword as a field inside $or', { $or: [{ numeric: [1] }, { prefix: ['a'] }] }],
    ['invalid JSON text', '{"source": ['],
  ])('rejects %s', (_name, pattern) => {
    expect(validatePattern(pattern).length).toBeGreaterThan(0);
  });

  it('accepts every documented operator', () => {
    expect(validatePattern(complexPattern)).toEqual([]);
    expect(validatePattern(numericPattern)).toEqual([]);
    expect(validatePattern(cloudwatchOr)).toEqual([]);
    expect(
      validatePattern({
        a: [{ prefix: { 'equals-ignore-case': 'x' } }, { suffix: { 'equals-ignore-case': 'y' } }],
        b: [{ 'anything-but': { suffix: ['.png', '.jpg'] } }, { 'anything-but': { wildcard: ['*/lib/*'] } }],
        c: [
          { cidr: '2001:db8::/32' },
          { exists: true },
          { 'equals-ignore-case': 'z' },
          { wildcard: 'a\\*b*' },
        ],
        d: [{ numeric: ['>=', -5e9, '<=', 5e9] }, { numeric: ['=', 3.018e2] }, null, true, 1.5, ''],
      }),
    ).toEqual([]);
  });

  it('reports every problem it finds, each with its path', () => {
    const problems = validatePattern({ source: 'x', detail: { n: [{ numeric: ['>', 5, '<', 1] }], s: [] } });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/source/);
    expect(problems.join('\n')).toMatch(/detail\.n/);
    expect(problems.join('\n')).toMatch(/detail\.s/);
  });
});
