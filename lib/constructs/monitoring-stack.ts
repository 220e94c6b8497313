import { NestedStack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Monitoring, type MonitoringProps } from './monitoring';

/**
 * Monitoring in a nested stack of its own (ADR 0014): dashboard, topic and every alarm, including
 * the consumer lanes', so the main stack keeps headroom under CloudFormation's 500 resources while
 * the whole application still deploys and rolls back as one unit.
 */
export class MonitoringStack extends NestedStack {
  public readonly monitoring: Monitoring;
  /** Parent of the alarms that other constructs (consumer lanes) create. */
  public readonly laneAlarms: Construct;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id, { description: `${props.dashboardName}: dashboard, alarms and alarm topic` });
    this.monitoring = new Monitoring(this, 'Monitoring', props);
    this.laneAlarms = new Construct(this, 'ConsumerLaneAlarms');
  }
}
