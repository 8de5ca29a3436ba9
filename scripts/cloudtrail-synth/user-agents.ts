// User agents as CloudTrail records them: the AWS console, the AWS CLI and SDKs, browsers signing in, agents.
// Two generations: the bench files are dated 2024-05-14 and carry that year's versions (a weighted mix, with a
// Windows path and quotes to escape); the sample day is 2026-11-20 and names the caller's exact tool.

/** Calls the AWS console makes for a signed-in person. */
export const CONSOLE = 'console.amazonaws.com';

export const BROWSER_CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
export const BROWSER_FIREFOX_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0';

export type CliHost = 'al2023' | 'macos' | 'windows' | 'ubuntu-ci';

const CLI_PLATFORMS: Record<CliHost, string> = {
  al2023:
    'os/linux#6.1.155-176.282.amzn2023.x86_64 md/arch#x86_64 lang/python#3.13.7 md/pyimpl#CPython m/b,Z,E cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2023',
  macos:
    'os/macos#25.1.0 md/arch#arm64 lang/python#3.13.7 md/pyimpl#CPython m/Z,b,E cfg/retry-mode#standard md/installer#exe',
  windows:
    'os/windows#10 md/arch#amd64 lang/python#3.13.7 md/pyimpl#CPython m/E,b cfg/retry-mode#standard md/installer#exe',
  'ubuntu-ci':
    'os/linux#6.11.0-1018-azure md/arch#x86_64 lang/python#3.13.7 md/pyimpl#CPython m/b,E cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24',
};

/** AWS CLI v2 running `command` (as its user agent names it, e.g. rds.describe-db-instances) on `host`. */
export function awsCli(command: string, host: CliHost): string {
  return `aws-cli/2.31.18 md/awscrt#0.28.1 ua/2.1 ${CLI_PLATFORMS[host]} md/prompt#off md/command#${command}`;
}

/** AWS SDK for Go v2 calling `api` (e.g. ec2#1.258.1). */
export function goSdk(api: string): string {
  return `aws-sdk-go-v2/1.39.2 ua/2.1 os/linux lang/go#1.25.3 md/GOOS#linux md/GOARCH#amd64 api/${api} m/E,g`;
}

/** AWS SDK for JavaScript v3 in a Lambda function calling `api` (e.g. rds-data). */
export function jsSdkInLambda(api: string): string {
  return `aws-sdk-js/3.920.0 ua/2.1 os/linux#5.10.245-245.983.amzn2.x86_64 lang/js md/nodejs#22.20.0 api/${api}#3.920.0 m/E,N exec-env/AWS_Lambda_nodejs22.x`;
}

export const JAVA_SDK_S3_ON_ECS =
  '[aws-sdk-java/2.35.10 md/io#sync md/http#Apache ua/2.1 api/S3#2.35.x os/Linux#6.1.155-176.282.amzn2023.x86_64 lang/java#21.0.8 md/OpenJDK_64-Bit_Server_VM#21.0.8+9-LTS md/vendor#Amazon.com_Inc. md/en_US m/F,G,N cfg/auth-source#ecs]';
export const BOTO3_IN_LAMBDA =
  'Boto3/1.40.55 md/Botocore#1.40.55 ua/2.1 os/linux#5.10.245-245.983.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.11 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 m/Z,b cfg/retry-mode#legacy Botocore/1.40.55';
/** The same Boto3 outside Lambda. */
export const BOTO3 = BOTO3_IN_LAMBDA.replace('exec-env/AWS_Lambda_python3.12 ', '');
export const SSM_AGENT = 'aws-sdk-go/1.55.8 (go1.24.6; linux; amd64) amazon-ssm-agent/3.3.3050.0';

/** The 2024 mix of the bench files, [weight, user agent]. */
export const MIX_2024: readonly (readonly [number, string])[] = [
  [
    18,
    'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.164.amzn2023.x86_64 exe/x86_64.amzn.2023 prompt/off command/rds.describe-db-instances',
  ],
  [16, 'aws-sdk-js/3.540.0 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 lang/js md/nodejs#20.12.0 api/rds#3.540.0'],
  [
    14,
    'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69',
  ],
  [
    10,
    'terraform-provider-aws/5.44.0 (+https://registry.terraform.io/providers/hashicorp/aws) HashiCorp Terraform/1.7.5 (+https://www.terraform.io) aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/rds#1.76.0',
  ],
  [
    8,
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
  ],
  [6, 'AWS Internal'],
  [5, CONSOLE],
  // Backslashes in a user agent: a Windows install path, as some SDK wrappers report it.
  [
    4,
    'AWSPowerShell.Common/4.1.544.0 .NET_Core/6.0.28 OS/Microsoft_Windows_10.0.20348 PowerShellCore/7.4.1 (C:\\Program Files\\PowerShell\\7\\pwsh.dll)',
  ],
  // Quotes in a user agent.
  [
    3,
    'aws-sdk-java/1.12.687 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS java/17.0.10 vendor/Amazon.com_Inc. cfg/retry-mode/standard exec-env/AWS_ECS_FARGATE "batch-job"',
  ],
];
