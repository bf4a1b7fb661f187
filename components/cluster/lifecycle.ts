/**
 * Leaving the cluster cleanly: the Auto Scaling group holds a terminating node (a lifecycle hook) until
 * the node has stopped Vault. A stopped Vault (SIGTERM) steps down and releases the HA lock, so a standby
 * takes over within seconds (the live cluster suite measures it) instead of after the lock's 15 s TTL,
 * and no request is cut off by the power-off. Pure renderers; the nodes component wires them.
 */

/** The termination hook's name. */
export const STEP_DOWN_HOOK = "vault-step-down";
/** How long the group waits for the node before terminating it anyway (CONTINUE). */
export const STEP_DOWN_HEARTBEAT_SECONDS = 120;
export const LIFECYCLE_SCRIPT_PATH = "/usr/local/sbin/vault-lifecycle";

/** Polls the instance's target lifecycle state; on Terminated, stops Vault and lets the group go on. */
export function renderLifecycleScript(region: string): string {
  return `#!/usr/bin/env bash
# Runs as vault-lifecycle.service from boot. IMDS answers the target lifecycle state the Auto Scaling group
# has set for this instance; "Terminated" means a lifecycle hook is holding the termination for us.
set -euo pipefail

readonly imds=http://169.254.169.254/latest
imds_get() {
  local token
  token=$(curl -fsS --max-time 5 -X PUT "$imds/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
  curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: $token" "$imds/meta-data/$1"
}

# A failed poll (IMDS busy) is not a termination: try again at the next tick.
until [[ $(imds_get autoscaling/target-lifecycle-state || true) == Terminated ]]; do
  sleep 5
done

echo "vault-lifecycle: termination requested; stopping Vault so that it releases the HA lock" >&2
systemctl stop vault
instance_id=$(imds_get instance-id)
group=$(aws autoscaling describe-auto-scaling-instances --region '${region}' --instance-ids "$instance_id" \\
  --query 'AutoScalingInstances[0].AutoScalingGroupName' --output text)
aws autoscaling complete-lifecycle-action --region '${region}' --lifecycle-hook-name '${STEP_DOWN_HOOK}' \\
  --auto-scaling-group-name "$group" --instance-id "$instance_id" --lifecycle-action-result CONTINUE
`;
}

/** The service that runs it: restarted if it dies, so a later termination is still handled. */
export function renderLifecycleService(scriptPath: string): string {
  return `[Unit]
Description=Stop Vault cleanly before the Auto Scaling group terminates this instance
After=vault.service network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart=${scriptPath}
Restart=on-failure
RestartSec=10

[Install]
WantedBy=multi-user.target
`;
}
