#!/usr/bin/env python3
"""Writes the airc demo scenario (cloudtrail.json, guardduty.json, health.json, findings.json) in
the real API shapes: a CloudTrail S3 log file, a GuardDuty GetFindings response (its attack
sequence a real one), EventBridge Health events, and EventBridge events of Macie, Inspector and a
CloudWatch billing alarm.

The story (account 111122223333, us-east-1): the access key of the CI user `ci-deploy` leaks.
An attacker at 203.0.113.66 uses it for reconnaissance, creates a backdoor user with
AdministratorAccess, tries to blind CloudTrail and GuardDuty, opens SSH to the world, launches
two GPU instances for crypto-mining and makes the backup bucket public. GuardDuty follows; AWS
Health reports the exposed key and a port-scanning abuse complaint against one instance.
Everyday activity by alice and bob runs alongside.

airc shifts every time so the story ends one minute after the console opens: the last events
arrive live. Run `python3 make_scenario.py` after editing; the output is committed.
"""
import json, uuid, random
from datetime import datetime, timedelta, timezone

random.seed(7)
ACCT = "111122223333"
REGION = "us-east-1"
T0 = datetime(2026, 1, 15, 2, 0, 0, tzinfo=timezone.utc)
ATTACKER = "203.0.113.66"
SCANNER = "198.51.100.23"
LEAKED = "AKIA4EXAMPLELEAKED01"
BACKDOOR_KEY = "AKIA4EXAMPLEBACKDR02"
SESSION_KEY = "ASIA4EXAMPLESESSN003"
MINER1, MINER2 = "i-0c0ffee0c0ffee001", "i-0c0ffee0c0ffee002"
SG = "sg-0badc0ffee0000001"
BUCKET = "acme-prod-backups"

def iso(t): return t.strftime("%Y-%m-%dT%H:%M:%SZ")
# GuardDuty's API sends the attack sequence's times (Timestamp members) as epoch seconds; its
# older fields (createdAt of a finding, eventFirstSeen) are text.
def epoch(s): return int(datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())
def uid(): return str(uuid.UUID(int=random.getrandbits(128), version=4))

def user(name, key, aid):
    return {"type": "IAMUser", "principalId": aid, "arn": f"arn:aws:iam::{ACCT}:user/{name}",
            "accountId": ACCT, "accessKeyId": key, "userName": name}

CI = user("ci-deploy", LEAKED, "AIDA4EXAMPLECIDEPLOY")
BACKDOOR = user("svc-backup2", BACKDOOR_KEY, "AIDA4EXAMPLEBACKDOOR")
ALICE = user("alice", "ASIA4EXAMPLEALICE001", "AIDA4EXAMPLEALICE001")
ALICE["sessionContext"] = {"attributes": {"creationDate": iso(T0), "mfaAuthenticated": "true"}}
ROLE_SESSION = {"type": "AssumedRole", "principalId": "AROA4EXAMPLEOPSADMIN:sync-job",
    "arn": f"arn:aws:sts::{ACCT}:assumed-role/ops-admin/sync-job", "accountId": ACCT, "accessKeyId": SESSION_KEY,
    "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROA4EXAMPLEOPSADMIN",
        "arn": f"arn:aws:iam::{ACCT}:role/ops-admin", "accountId": ACCT, "userName": "ops-admin"},
        "attributes": {"creationDate": iso(T0 + timedelta(minutes=40)), "mfaAuthenticated": "false"}}}

records = []
def ct(minute, who, source, name, ip, params=None, response=None, error=None, read_only=None, agent="aws-cli/2.15.10 Python/3.11.6 Linux/5.15 exe/x86_64.ubuntu.22", resources=None, event_type="AwsApiCall"):
    if read_only is None:
        read_only = name.startswith(("Get", "List", "Describe", "Head", "Lookup"))
    r = {"eventVersion": "1.09", "userIdentity": who, "eventTime": iso(T0 + timedelta(minutes=minute)),
         "eventSource": f"{source}.amazonaws.com", "eventName": name, "awsRegion": REGION,
         "sourceIPAddress": ip, "userAgent": agent, "requestParameters": params,
         "responseElements": response, "requestID": uid(), "eventID": uid(), "readOnly": read_only,
         "eventType": event_type, "managementEvent": True, "recipientAccountId": ACCT, "eventCategory": "Management"}
    if resources: r["resources"] = resources
    if error:
        r["errorCode"], r["errorMessage"] = error
    records.append(r)

DENIED = ("AccessDenied", "User: arn:aws:iam::111122223333:user/ci-deploy is not authorized to perform this action")
EC2_DENIED = ("Client.UnauthorizedOperation", "You are not authorized to perform this operation.")

# Everyday activity.
ct(1, ALICE, "signin", "ConsoleLogin", "192.0.2.10", None, {"ConsoleLogin": "Success"}, agent="Mozilla/5.0", event_type="AwsConsoleSignIn")
for m in (3, 9, 21, 47, 66):
    ct(m, ALICE, "ec2", "DescribeInstances", "192.0.2.10", {"instancesSet": {}, "filterSet": {}}, agent="console.ec2.amazonaws.com")
ct(5, ALICE, "cloudwatch", "GetMetricData", "192.0.2.10", {"startTime": iso(T0), "endTime": iso(T0 + timedelta(hours=1))}, agent="console.amazonaws.com")
ct(12, {"type": "IAMUser", "principalId": "AIDA4EXAMPLEBOB00001", "arn": f"arn:aws:iam::{ACCT}:user/bob", "accountId": ACCT, "userName": "bob"},
   "signin", "ConsoleLogin", "192.0.2.44", None, {"ConsoleLogin": "Failure"}, error=("Failed authentication", "Failed authentication"), agent="Mozilla/5.0", event_type="AwsConsoleSignIn")
ct(33, ALICE, "s3", "ListBuckets", "192.0.2.10", {"Host": "s3.amazonaws.com"})
ct(58, ALICE, "rds", "DescribeDBInstances", "192.0.2.10", {})

# 02:10 — the leaked CI key is used from outside: reconnaissance.
recon = [("sts", "GetCallerIdentity", {}, None, None), ("iam", "ListUsers", {}, None, None),
         ("iam", "ListRoles", {}, None, None), ("iam", "GetAccountAuthorizationDetails", {}, None, DENIED),
         ("iam", "ListAttachedUserPolicies", {"userName": "ci-deploy"}, None, None),
         ("iam", "ListAccessKeys", {"userName": "ci-deploy"}, None, None),
         ("s3", "ListBuckets", {"Host": "s3.amazonaws.com"}, None, None),
         ("ec2", "DescribeInstances", {"instancesSet": {}, "filterSet": {}}, None, None),
         ("ec2", "DescribeSecurityGroups", {"securityGroupSet": {}, "filterSet": {}}, None, None),
         ("ec2", "DescribeRegions", {"regionSet": {}}, None, None),
         ("guardduty", "ListDetectors", {}, None, None),
         ("cloudtrail", "DescribeTrails", {}, None, None),
         ("secretsmanager", "ListSecrets", {}, None, DENIED),
         ("ec2", "DescribeVpcs", {"vpcSet": {}, "filterSet": {}}, None, EC2_DENIED),
         ("ec2", "DescribeSnapshots", {"ownersSet": {"items": [{"owner": "self"}]}}, None, EC2_DENIED),
         ("organizations", "DescribeOrganization", {}, None, DENIED),
         ("iam", "GetUser", {"userName": "ci-deploy"}, None, None),
         ("lambda", "ListFunctions20150331", {}, None, DENIED)]
for i, (src, name, params, resp, err) in enumerate(recon):
    ct(10 + i * 0.5, CI, src, name, ATTACKER, params, resp, err, agent="Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.5 lang/python#3.11.4")

# 02:22 — persistence and privilege escalation with a backdoor user.
ct(22, CI, "iam", "CreateUser", ATTACKER, {"userName": "svc-backup2", "path": "/"},
   {"user": {"path": "/", "userName": "svc-backup2", "userId": "AIDA4EXAMPLEBACKDOOR", "arn": f"arn:aws:iam::{ACCT}:user/svc-backup2", "createDate": "Jan 15, 2026 2:22:00 AM"}})
ct(22.5, CI, "iam", "AttachUserPolicy", ATTACKER, {"userName": "svc-backup2", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
ct(23, CI, "iam", "CreateAccessKey", ATTACKER, {"userName": "svc-backup2"},
   {"accessKey": {"userName": "svc-backup2", "accessKeyId": BACKDOOR_KEY, "status": "Active", "createDate": "Jan 15, 2026 2:23:00 AM"}})
ct(23.5, CI, "iam", "CreateLoginProfile", ATTACKER, {"userName": "svc-backup2", "passwordResetRequired": False},
   {"loginProfile": {"userName": "svc-backup2", "createDate": "Jan 15, 2026 2:23:30 AM", "passwordResetRequired": False}})
ct(25, BACKDOOR, "sts", "GetCallerIdentity", ATTACKER, {})
ct(26, BACKDOOR, "iam", "PutUserPolicy", ATTACKER, {"userName": "svc-backup2", "policyName": "sync",
   "policyDocument": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})})
ct(27, BACKDOOR, "iam", "UpdateAssumeRolePolicy", ATTACKER, {"roleName": "ops-admin",
   "policyDocument": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:user/svc-backup2"}, "Action": "sts:AssumeRole"}]})})

# 02:30 — defence evasion.
ct(30, BACKDOOR, "cloudtrail", "PutEventSelectors", ATTACKER, {"trailName": "org-trail", "eventSelectors": [{"readWriteType": "ReadOnly", "includeManagementEvents": True}]},
   resources=[{"accountId": ACCT, "type": "AWS::CloudTrail::Trail", "ARN": f"arn:aws:cloudtrail:{REGION}:{ACCT}:trail/org-trail"}])
ct(31, BACKDOOR, "cloudtrail", "StopLogging", ATTACKER, {"name": f"arn:aws:cloudtrail:{REGION}:{ACCT}:trail/org-trail"}, error=("AccessDenied", "Explicit deny in service control policy"))
ct(31.5, BACKDOOR, "guardduty", "DeleteDetector", ATTACKER, {"detectorId": "12abc34d567e8fa901bc2d34e56789f0"}, error=("AccessDeniedException", "Explicit deny in service control policy"))
ct(32, BACKDOOR, "guardduty", "UpdateDetector", ATTACKER, {"detectorId": "12abc34d567e8fa901bc2d34e56789f0", "enable": False}, error=("AccessDeniedException", "Explicit deny in service control policy"))

# 02:40 — a role session for compute: open SSH to the world, launch GPU miners.
ct(40, BACKDOOR, "sts", "AssumeRole", ATTACKER, {"roleArn": f"arn:aws:iam::{ACCT}:role/ops-admin", "roleSessionName": "sync-job"},
   {"credentials": {"accessKeyId": SESSION_KEY, "expiration": "Jan 15, 2026 3:40:00 AM", "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLE"},
    "assumedRoleUser": {"assumedRoleId": "AROA4EXAMPLEOPSADMIN:sync-job", "arn": f"arn:aws:sts::{ACCT}:assumed-role/ops-admin/sync-job"}})
ct(42, ROLE_SESSION, "ec2", "CreateSecurityGroup", ATTACKER, {"groupName": "default-ssh", "groupDescription": "ssh", "vpcId": "vpc-0a1b2c3d"}, {"_return": True, "groupId": SG})
ct(42.5, ROLE_SESSION, "ec2", "AuthorizeSecurityGroupIngress", ATTACKER, {"groupId": SG, "ipPermissions": {"items": [
    {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}, {"_return": True})
ct(43, ROLE_SESSION, "ec2", "CreateKeyPair", ATTACKER, {"keyName": "sync"}, {"keyName": "sync", "keyFingerprint": "1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca:9f:f5:f1:6f", "keyPairId": "key-0a1b2c3d4e5f67890"})
for k, (iid, vol) in enumerate([(MINER1, "vol-0c0ffee0c0ffee101"), (MINER2, "vol-0c0ffee0c0ffee102")]):
    ct(45 + k, ROLE_SESSION, "ec2", "RunInstances", ATTACKER,
       {"instancesSet": {"items": [{"imageId": "ami-0abcdef1234567890", "minCount": 1, "maxCount": 1}]}, "instanceType": "p3.16xlarge",
        "keyName": "sync", "groupSet": {"items": [{"groupId": SG}]}},
       {"reservationId": f"r-0c0ffee0c0ffee00{k}", "ownerId": ACCT, "instancesSet": {"items": [{"instanceId": iid, "imageId": "ami-0abcdef1234567890",
        "instanceState": {"code": 0, "name": "pending"}, "instanceType": "p3.16xlarge", "groupSet": {"items": [{"groupId": SG, "groupName": "default-ssh"}]},
        "blockDeviceMapping": {"items": [{"deviceName": "/dev/xvda", "ebs": {"volumeId": vol, "status": "attaching"}}]}}]}})
ct(47, ROLE_SESSION, "ec2", "RunInstances", ATTACKER, {"instancesSet": {"items": [{"imageId": "ami-0abcdef1234567890", "minCount": 4, "maxCount": 4}]}, "instanceType": "p3.16xlarge"},
   error=("Client.InstanceLimitExceeded", "You have requested more vCPU capacity than your current vCPU limit of 128 allows"))

# 02:55 — the backup bucket is made public and read.
ct(55, BACKDOOR, "s3", "GetBucketPolicy", ATTACKER, {"bucketName": BUCKET, "Host": f"{BUCKET}.s3.amazonaws.com", "policy": ""}, error=("NoSuchBucketPolicy", "The bucket policy does not exist"))
ct(55.5, BACKDOOR, "s3", "DeleteBucketPublicAccessBlock", ATTACKER, {"bucketName": BUCKET, "Host": f"{BUCKET}.s3.amazonaws.com", "publicAccessBlock": ""})
ct(56, BACKDOOR, "s3", "PutBucketPolicy", ATTACKER, {"bucketName": BUCKET, "Host": f"{BUCKET}.s3.amazonaws.com",
   "bucketPolicy": {"Version": "2012-10-17", "Statement": [{"Sid": "x", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}]}})
for k in range(6):
    ct(57 + k * 0.5, BACKDOOR, "s3", "ListObjects" if k == 0 else "GetBucketLocation", SCANNER, {"bucketName": BUCKET, "Host": f"{BUCKET}.s3.amazonaws.com"})

# 03:05 — the responder-visible tail: more recon from the session, arriving live.
for k, (src, name, params) in enumerate([("ec2", "DescribeInstances", {"instancesSet": {"items": [{"instanceId": MINER1}, {"instanceId": MINER2}]}}),
        ("ec2", "DescribeInstanceStatus", {"instancesSet": {"items": [{"instanceId": MINER1}]}}),
        ("ce", "GetCostAndUsage", {"granularity": "DAILY"}), ("iam", "ListAccessKeys", {"userName": "svc-backup2"}),
        ("ec2", "GetConsoleOutput", {"instanceId": MINER1}), ("ssm", "DescribeInstanceInformation", {}),
        ("iam", "CreateAccessKey", {"userName": "ci-deploy"})]):
    who = ROLE_SESSION if src in ("ec2", "ssm") else BACKDOOR
    err = DENIED if name == "CreateAccessKey" else None
    ct(65 + k * 0.5, who, src, name, ATTACKER, params, error=err)
while len([r for r in records]) < 64:
    ct(60 + len(records) % 9, ALICE, "ec2", "DescribeVolumes", "192.0.2.10", {"volumeSet": {}}, agent="console.ec2.amazonaws.com")
records.sort(key=lambda r: r["eventTime"])

def finding(minute, ftype, sev, title, desc, resource, action, count=1):
    fid = uuid.UUID(int=random.getrandbits(128)).hex
    t = iso(T0 + timedelta(minutes=minute))
    return {"accountId": ACCT, "arn": f"arn:aws:guardduty:{REGION}:{ACCT}:detector/12abc34d567e8fa901bc2d34e56789f0/finding/{fid}",
        "createdAt": t, "description": desc, "id": fid, "partition": "aws", "region": REGION, "resource": resource,
        "schemaVersion": "2.0", "service": {"action": action, "archived": False, "count": count, "detectorId": "12abc34d567e8fa901bc2d34e56789f0",
        "eventFirstSeen": t, "eventLastSeen": t, "resourceRole": "TARGET", "serviceName": "guardduty",
        "additionalInfo": {"value": json.dumps({"unusual": {"userAgents": ["Boto3/1.34.11"], "isps": ["anonymous vps"]}}), "type": "default"}},
        "severity": sev, "title": title, "type": ftype, "updatedAt": t}

def key_res(name, key):
    return {"resourceType": "AccessKey", "accessKeyDetails": {"accessKeyId": key, "principalId": "AIDA4EXAMPLE", "userName": name, "userType": "IAMUser"}}

def api(name, service, ip=ATTACKER, country="Unknown"):
    return {"actionType": "AWS_API_CALL", "awsApiCallAction": {"api": name, "callerType": "Remote IP", "serviceName": service,
            "remoteIpDetails": {"ipAddressV4": ip, "organization": {"asn": "64500", "asnOrg": "EXAMPLE-VPS", "isp": "Example VPS", "org": "Example VPS"},
            "country": {"countryName": country}, "geoLocation": {"lat": 0, "lon": 0}}}}

def inst_res(iid):
    return {"resourceType": "Instance", "instanceDetails": {"instanceId": iid, "instanceType": "p3.16xlarge", "instanceState": "running",
            "imageId": "ami-0abcdef1234567890", "availabilityZone": "us-east-1a", "launchTime": iso(T0 + timedelta(minutes=45)),
            "networkInterfaces": [{"networkInterfaceId": "eni-0c0ffee0c0ffee001", "privateIpAddress": "10.0.3.17", "publicIp": "198.51.100.200",
            "securityGroups": [{"groupId": SG, "groupName": "default-ssh"}], "subnetId": "subnet-0a1b2c3d", "vpcId": "vpc-0a1b2c3d"}],
            "tags": [{"key": "Name", "value": "sync"}]}}

findings = [
    finding(14, "Recon:IAMUser/MaliciousIPCaller", 5.0, "Reconnaissance API calls from a known malicious IP address.",
            f"APIs commonly used in reconnaissance were invoked by IAM user ci-deploy from IP address {ATTACKER} on a threat list.", key_res("ci-deploy", LEAKED), api("ListUsers", "iam.amazonaws.com"), 18),
    finding(24, "Persistence:IAMUser/AnomalousBehavior", 5.0, "User ci-deploy created a user and an access key in an unusual way.",
            "APIs commonly used to maintain access were invoked by ci-deploy in an anomalous way.", key_res("ci-deploy", LEAKED), api("CreateAccessKey", "iam.amazonaws.com")),
    finding(27, "PrivilegeEscalation:IAMUser/AnomalousBehavior", 8.0, "Administrator policy attached to a new user in an unusual way.",
            "APIs commonly used to obtain higher permissions were invoked by svc-backup2 in an anomalous way.", key_res("svc-backup2", BACKDOOR_KEY), api("UpdateAssumeRolePolicy", "iam.amazonaws.com")),
    finding(31, "Stealth:IAMUser/CloudTrailLoggingDisabled", 2.0, "Attempt to disable CloudTrail logging.",
            "The user svc-backup2 called StopLogging on trail org-trail.", key_res("svc-backup2", BACKDOOR_KEY), api("StopLogging", "cloudtrail.amazonaws.com")),
    finding(50, "CryptoCurrency:EC2/BitcoinTool.B!DNS", 8.0, f"EC2 instance {MINER1} is querying a domain associated with Bitcoin.",
            f"EC2 instance {MINER1} is querying a domain name that is associated with Bitcoin-related activity.", inst_res(MINER1),
            {"actionType": "DNS_REQUEST", "dnsRequestAction": {"domain": "pool.minexmr.com", "protocol": "UDP", "blocked": False}}, 240),
    finding(51, "CryptoCurrency:EC2/BitcoinTool.B!DNS", 8.0, f"EC2 instance {MINER2} is querying a domain associated with Bitcoin.",
            f"EC2 instance {MINER2} is querying a domain name that is associated with Bitcoin-related activity.", inst_res(MINER2),
            {"actionType": "DNS_REQUEST", "dnsRequestAction": {"domain": "pool.minexmr.com", "protocol": "UDP", "blocked": False}}, 190),
    finding(52, "Recon:EC2/PortProbeUnprotectedPort", 2.0, f"Unprotected port on EC2 instance {MINER1} is being probed.",
            f"EC2 instance has an unprotected port 22 which is being probed by a known malicious host {SCANNER}.", inst_res(MINER1),
            {"actionType": "PORT_PROBE", "portProbeAction": {"blocked": False, "portProbeDetails": [{"localPortDetails": {"port": 22, "portName": "SSH"},
             "remoteIpDetails": {"ipAddressV4": SCANNER, "country": {"countryName": "Unknown"}}}]}}, 35),
    finding(58, "Policy:S3/BucketAnonymousAccessGranted", 7.0, f"The S3 bucket {BUCKET} allows anonymous access.",
            f"The bucket policy of {BUCKET} was changed to allow access to everyone by svc-backup2.",
            {"resourceType": "S3Bucket", "accessKeyDetails": {"accessKeyId": BACKDOOR_KEY, "principalId": "AIDA4EXAMPLEBACKDOOR", "userName": "svc-backup2", "userType": "IAMUser"},
             "s3BucketDetails": [{"arn": f"arn:aws:s3:::{BUCKET}", "name": BUCKET, "type": "Destination", "publicAccess": {"effectivePermission": "PUBLIC"}}]},
            api("PutBucketPolicy", "s3.amazonaws.com")),
    finding(62, "Exfiltration:S3/MaliciousIPCaller", 5.0, f"S3 objects listed in {BUCKET} from a known malicious IP address.",
            f"An API commonly used to collect data was invoked on {BUCKET} from IP address {SCANNER}.",
            {"resourceType": "S3Bucket", "s3BucketDetails": [{"arn": f"arn:aws:s3:::{BUCKET}", "name": BUCKET, "type": "Destination"}]}, api("ListObjects", "s3.amazonaws.com", SCANNER)),
    finding(66, "AttackSequence:IAM/CompromisedCredentials", 9.5, "Potential credential compromise of ci-deploy indicated by a sequence of actions.",
            "A sequence of actions involving reconnaissance, persistence, privilege escalation and defence evasion was observed for credentials of ci-deploy.",
            key_res("ci-deploy", LEAKED), api("CreateAccessKey", "iam.amazonaws.com")),
]

def health(minute, code, service, category, desc, entities, abuse=False, region=REGION):
    t = T0 + timedelta(minutes=minute)
    arn = f"arn:aws:health:{region}::event/{service}/{code}/{code}_{uuid.UUID(int=random.getrandbits(128)).hex[:12]}"
    return {"version": "0", "id": uid(), "detail-type": "AWS Health Abuse Event" if abuse else "AWS Health Event", "source": "aws.health",
        "account": ACCT, "time": iso(t), "region": region, "resources": [e for e in entities if e.startswith("arn:") or e.startswith("i-")],
        "detail": {"eventArn": arn, "service": service, "eventTypeCode": code, "eventTypeCategory": category,
            "eventScopeCode": "ACCOUNT_SPECIFIC", "communicationId": uid(),
            "startTime": t.strftime("%a, %d %b %Y %H:%M:%S GMT"), "lastUpdatedTime": t.strftime("%a, %d %b %Y %H:%M:%S GMT"),
            "statusCode": "open", "eventRegion": region,
            "eventDescription": [{"language": "en_US", "latestDescription": desc}],
            "affectedEntities": [{"entityValue": e} for e in entities]}}

events = [
    health(0, "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", "EC2", "scheduledChange",
           "EC2 has detected degradation of the underlying hardware hosting your instance i-0a1b2c3d4e5f60718. The instance is scheduled for retirement on 2026-01-29.",
           ["i-0a1b2c3d4e5f60718"]),
    health(18, "AWS_RISK_CREDENTIALS_EXPOSED", "RISK", "issue",
           f"We have become aware that the AWS access key {LEAKED} belonging to IAM user ci-deploy, along with the corresponding secret key, is publicly available online. Rotate the key and review your account for unauthorized activity.",
           [LEAKED]),
    health(38, "AWS_EC2_OPERATIONAL_ISSUE", "EC2", "issue",
           "[RESOLVED] Increased API error rates. Between 02:31 and 02:52 UTC we experienced increased error rates for RunInstances in the US-EAST-1 Region.", []),
    health(60, "AWS_BILLING_NOTIFICATION", "BILLING", "accountNotification",
           "Your estimated charges for EC2 in US-EAST-1 are 1,240% above your usual daily spend.", [f"arn:aws:ec2:{REGION}:{ACCT}:instance/{MINER1}"], region="global"),
    health(67, "AWS_ABUSE_PORT_SCANNING_REPORT", "ABUSE", "issue",
           f"We have received a report that your EC2 instance {MINER1} (198.51.100.200) has been conducting port scans against remote hosts. Stop the activity and reply to the abuse case.",
           [MINER1], abuse=True, region="global"),
]

# The attack sequence GuardDuty correlated (Extended Threat Detection): its signals are the
# findings above and the CloudTrail calls that made them, in the order GuardDuty saw them.
by_type = {f["type"]: f for f in findings}
def fsig(ftype):
    f = by_type[ftype]
    return {"uid": f["arn"], "type": "FINDING", "name": ftype, "description": f["title"],
            "firstSeenAt": epoch(f["createdAt"]), "lastSeenAt": epoch(f["updatedAt"]), "createdAt": epoch(f["createdAt"]), "updatedAt": epoch(f["updatedAt"]),
            "severity": f["severity"], "count": f["service"]["count"],
            "actorIds": ["a1" if "ci-deploy" in json.dumps(f["resource"]) else "a2"] if f["resource"]["resourceType"] == "AccessKey" else [],
            "resourceUids": [r for r in [f["resource"].get("instanceDetails", {}).get("instanceId")]
                             + [b["name"] for b in f["resource"].get("s3BucketDetails", [])] if r], "endpointIds": ["e1"]}
def csig(uid, name, minute, who, resources=(), count=1, indicators=()):
    t = epoch(iso(T0 + timedelta(minutes=minute)))
    return {"uid": uid, "type": "CLOUD_TRAIL", "name": name, "description": f"{name} called from {ATTACKER}",
            "firstSeenAt": t, "lastSeenAt": t, "createdAt": t, "updatedAt": t, "severity": 0, "count": count,
            "actorIds": [who], "resourceUids": list(resources), "endpointIds": ["e1"],
            "signalIndicators": [{"key": k, "values": v} for k, v in indicators]}
seq_finding = by_type["AttackSequence:IAM/CompromisedCredentials"]
seq_finding["service"]["detection"] = {"sequence": {
    "uid": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
    "description": "Credentials of ci-deploy were used from a malicious IP address for reconnaissance, to create an administrator, to try to stop logging, to launch GPU instances and to make a bucket public.",
    "actors": [
        {"id": "a1", "user": {"name": "ci-deploy", "uid": "AIDA4EXAMPLECIDEPLOY", "type": "IAMUser", "credentialUid": LEAKED, "account": {"uid": ACCT}}},
        {"id": "a2", "user": {"name": "svc-backup2", "uid": "AIDA4EXAMPLEBACKDOOR", "type": "IAMUser", "credentialUid": BACKDOOR_KEY, "account": {"uid": ACCT}}}],
    "resources": [
        {"uid": BUCKET, "name": BUCKET, "resourceType": "S3_BUCKET", "accountId": ACCT, "region": REGION, "service": "s3"},
        {"uid": MINER1, "name": MINER1, "resourceType": "EC2_INSTANCE", "accountId": ACCT, "region": REGION, "service": "ec2"},
        {"uid": MINER2, "name": MINER2, "resourceType": "EC2_INSTANCE", "accountId": ACCT, "region": REGION, "service": "ec2"}],
    "endpoints": [{"id": "e1", "ip": ATTACKER, "location": {"country": "Unknown"}, "autonomousSystem": {"name": "EXAMPLE-VPS", "number": 64500}}],
    "signals": [
        fsig("Recon:IAMUser/MaliciousIPCaller"),
        csig("sig-createuser", "CreateUser", 22, "a1", indicators=[("HIGH_RISK_API", ["CreateUser"])]),
        csig("sig-attachpolicy", "AttachUserPolicy", 22.5, "a1", indicators=[("HIGH_RISK_API", ["AttachUserPolicy"])]),
        fsig("Persistence:IAMUser/AnomalousBehavior"),
        fsig("PrivilegeEscalation:IAMUser/AnomalousBehavior"),
        fsig("Stealth:IAMUser/CloudTrailLoggingDisabled"),
        fsig("CryptoCurrency:EC2/BitcoinTool.B!DNS"),
        csig("sig-putbucketpolicy", "PutBucketPolicy", 56, "a2", [BUCKET], indicators=[("HIGH_RISK_API", ["PutBucketPolicy"])]),
        fsig("Policy:S3/BucketAnonymousAccessGranted")],
    "sequenceIndicators": [
        {"key": "ATTACK_TACTIC", "values": ["Discovery", "Persistence", "Privilege Escalation", "Defense Evasion", "Impact"]},
        {"key": "ATTACK_TECHNIQUE", "values": ["T1580", "T1136.003", "T1098.001", "T1562.008", "T1496"]},
        {"key": "HIGH_RISK_API", "values": ["CreateUser", "AttachUserPolicy", "StopLogging", "PutBucketPolicy"]},
        {"key": "MALICIOUS_IP", "values": [ATTACKER]}]}}
seq_finding["resource"]["resourceType"] = "AccessKey"

# The other services' view of it: Macie on the bucket made public, Inspector on the mining
# instance, and the billing alarm watching the GPU instances (EventBridge events).
def envelope(minute, detail_type, source, detail, resources=()):
    return {"version": "0", "id": uid(), "detail-type": detail_type, "source": source, "account": ACCT,
            "time": iso(T0 + timedelta(minutes=minute)), "region": REGION, "resources": list(resources), "detail": detail}
t = lambda m: iso(T0 + timedelta(minutes=m))
others = [
    envelope(60, "Macie Finding", "aws.macie", {
        "schemaVersion": "1.0", "id": "64ed80b084b5b7b985b1a2b3c4d5e6f7", "accountId": ACCT, "partition": "aws", "region": REGION,
        "type": "Policy:IAMUser/S3BucketPublic", "category": "POLICY", "count": 1, "archived": False, "sample": False,
        "title": f"The S3 bucket {BUCKET} is publicly accessible",
        "description": f"The bucket policy of {BUCKET} was changed to allow public access. The bucket holds database backups.",
        "severity": {"score": 3, "description": "High"}, "createdAt": t(60), "updatedAt": t(60),
        "resourcesAffected": {"s3Bucket": {"arn": f"arn:aws:s3:::{BUCKET}", "name": BUCKET, "owner": {"id": "1f2e3d4c5b6a", "displayName": "acme"},
            "publicAccess": {"effectivePermission": "PUBLIC"}, "allowsUnencryptedObjectUploads": "TRUE"}},
        "policyDetails": {"action": {"actionType": "AWS_API_CALL", "apiCallDetails": {"api": "PutBucketPolicy", "apiServiceName": "s3.amazonaws.com",
                "firstSeen": t(56), "lastSeen": t(56)}},
            "actor": {"userIdentity": {"type": "IAMUser", "iamUser": {"accountId": ACCT, "arn": f"arn:aws:iam::{ACCT}:user/svc-backup2",
                "principalId": "AIDA4EXAMPLEBACKDOOR", "userName": "svc-backup2"}},
                "ipAddressDetails": {"ipAddressV4": ATTACKER, "ipOwner": {"asnOrg": "EXAMPLE-VPS"}}}}}),
    envelope(53, "Inspector2 Finding", "aws.inspector2", {
        "findingArn": f"arn:aws:inspector2:{REGION}:{ACCT}:finding/5f3c0ffee0c0ffee0c0ffee0c0ffee01", "awsAccountId": ACCT,
        "type": "PACKAGE_VULNERABILITY", "severity": "CRITICAL", "inspectorScore": 9.8, "status": "ACTIVE",
        "exploitAvailable": "YES", "fixAvailable": "YES",
        "title": "CVE-2024-6387 - openssh-server",
        "description": "A signal handler race condition in OpenSSH's server (sshd) allows unauthenticated remote code execution as root.",
        "firstObservedAt": t(53), "lastObservedAt": t(53), "updatedAt": t(53),
        "resources": [{"type": "AWS_EC2_INSTANCE", "id": MINER1, "partition": "aws", "region": REGION,
            "details": {"awsEc2Instance": {"imageId": "ami-0abcdef1234567890", "type": "p3.16xlarge", "platform": "UBUNTU_22_04",
                "ipV4Addresses": ["10.0.3.17", "198.51.100.200"], "keyName": "sync", "launchedAt": t(45)}}}],
        "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-2024-6387", "source": "UBUNTU_CVE",
            "vulnerablePackages": [{"name": "openssh-server", "version": "8.9p1-3ubuntu0.6", "fixedInVersion": "8.9p1-3ubuntu0.10", "packageManager": "OS"}]},
        "remediation": {"recommendation": {"text": "Upgrade openssh-server to 8.9p1-3ubuntu0.10 or later."}}},
        [f"arn:aws:inspector2:{REGION}:{ACCT}:finding/5f3c0ffee0c0ffee0c0ffee0c0ffee01"]),
    envelope(63, "CloudWatch Alarm State Change", "aws.cloudwatch", {
        "alarmName": "gpu-fleet-spend",
        "state": {"value": "ALARM", "reason": "Threshold Crossed: 1 datapoint [1240.0] was greater than the threshold (100.0).", "timestamp": t(63)},
        "previousState": {"value": "OK", "reason": "Threshold Crossed: 1 datapoint [48.0] was not greater than the threshold (100.0).", "timestamp": t(0)},
        "configuration": {"description": "EC2 estimated charges over $100 while the GPU fleet is busy",
            "metrics": [
                {"id": "charges", "metricStat": {"metric": {"namespace": "AWS/Billing", "name": "EstimatedCharges",
                    "dimensions": {"Currency": "USD", "ServiceName": "AmazonEC2"}}, "period": 21600, "stat": "Maximum"}, "returnData": True},
                {"id": "gpu1", "metricStat": {"metric": {"namespace": "AWS/EC2", "name": "CPUUtilization", "dimensions": {"InstanceId": MINER1}},
                    "period": 300, "stat": "Average"}, "returnData": False},
                {"id": "gpu2", "metricStat": {"metric": {"namespace": "AWS/EC2", "name": "CPUUtilization", "dimensions": {"InstanceId": MINER2}},
                    "period": 300, "stat": "Average"}, "returnData": False}]}},
        [f"arn:aws:cloudwatch:{REGION}:{ACCT}:alarm:gpu-fleet-spend"]),
]

with open("cloudtrail.json", "w") as f: json.dump({"Records": records}, f, indent=1)
with open("guardduty.json", "w") as f: json.dump({"findings": findings}, f, indent=1)
with open("health.json", "w") as f: json.dump(events, f, indent=1)
with open("findings.json", "w") as f: json.dump(others, f, indent=1)
print(f"{len(records)} CloudTrail events, {len(findings)} GuardDuty findings, {len(events)} Health events, {len(others)} other findings and monitors")
