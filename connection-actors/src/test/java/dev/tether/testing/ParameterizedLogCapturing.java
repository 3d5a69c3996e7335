package dev.tether.testing;

import java.lang.reflect.Method;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * {@link LogCapturingExtension} for {@code @ParameterizedTest} (and other template) methods. Pekko
 * 1.x's extension intercepts only plain {@code @Test} methods: a failing parameterized test would
 * print nothing, and its captured logs would be printed later under the next failing test. Each
 * invocation is captured, and printed if it fails, exactly as a {@code @Test} method is. Register
 * it next to the original: {@code @ExtendWith({TestKitJUnit5Extension.class,
 * LogCapturingExtension.class, ParameterizedLogCapturing.class})}.
 */
public final class ParameterizedLogCapturing implements InvocationInterceptor {
  private final LogCapturingExtension capturing = new LogCapturingExtension();

  @Override
  public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
      ExtensionContext extensionContext) throws Throwable {
    capturing.interceptTestMethod(invocation, invocationContext, extensionContext);
  }
}
