package io.ctistream.connector.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentState;
import io.ctistream.events.CommandStatus;
import io.ctistream.events.Principal;
import io.ctistream.events.Role;
import io.ctistream.events.SetState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandQueueTest {
    private static final Instant NOW = Instant.EPOCH.plus(Duration.ofDays(20_000));
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final Map<String, Promise<Outcome>> started = new LinkedHashMap<>();
    private final List<String> afterEach = new ArrayList<>();
    private final CommandQueue queue = new CommandQueue(clock, (c, o) -> started.put(c.getCommandId(), o),
            () -> afterEach.add("done"));

    @Test
    void oneAtATimeInOrder() {
        Future<Outcome> first = queue.execute(command("c1", NOW.plusSeconds(10)));
        Future<Outcome> second = queue.execute(command("c2", NOW.plusSeconds(10)));
        assertThat(started).containsOnlyKeys("c1");

        started.get("c1").complete(Outcome.completed());
        assertThat(first.result().status()).isEqualTo(CommandStatus.COMPLETED);
        assertThat(afterEach).hasSize(1);
        assertThat(started).containsOnlyKeys("c1", "c2");
        assertThat(second.isComplete()).isFalse();
    }

    @Test
    void aCommandWhoseDeadlinePassedWhileItWaitedIsNotStarted() {
        queue.execute(command("c1", NOW.plusSeconds(10)));
        Future<Outcome> late = queue.execute(command("c2", NOW));
        Future<Outcome> third = queue.execute(command("c3", NOW.plusSeconds(10)));

        started.get("c1").complete(Outcome.completed());

        assertThat(late.result().status()).isEqualTo(CommandStatus.TIMED_OUT);
        assertThat(late.result().code()).isEqualTo("DEADLINE_PASSED");
        assertThat(started).containsOnlyKeys("c1", "c3");
        assertThat(third.isComplete()).isFalse();
    }

    @Test
    void releaseAnswersWhatRunsAndWaitsOnceAndStartsNothingMore() {
        Future<Outcome> running = queue.execute(command("c1", NOW.plusSeconds(10)));
        Future<Outcome> waiting = queue.execute(command("c2", NOW.plusSeconds(10)));

        queue.release("agent moved to instance b");

        assertThat(List.of(running.result(), waiting.result())).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
            assertThat(o.code()).isEqualTo("OWNERSHIP_MOVED");
        });
        assertThat(started).containsOnlyKeys("c1");
        assertThat(queue.released()).isTrue();
        Future<Outcome> after = queue.execute(command("c3", NOW.plusSeconds(10)));
        assertThat(after.result().code()).isEqualTo("OWNERSHIP_MOVED");
        assertThat(after.result().message()).isEqualTo("agent moved to instance b");
        assertThat(started).containsOnlyKeys("c1");
    }

    private static AgentCommand command(String id, Instant deadline) {
        return AgentCommand.newBuilder().setCommandId(id).setTenant("t").setAgentId("t/a1")
                .setPrincipal(Principal.newBuilder().setSubject("test").setRole(Role.AGENT).build())
                .setIssuedAt(NOW).setDeadline(deadline)
                .setCommand(SetState.newBuilder().setState(AgentState.READY).build()).build();
    }
}
