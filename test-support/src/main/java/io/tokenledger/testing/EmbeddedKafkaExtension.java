package io.tokenledger.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real broker per test class: {@code @ExtendWith(EmbeddedKafkaExtension.class)} and take
 * an {@link EmbeddedKafka} parameter in {@code @BeforeAll} or a test method.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    store(context).put(context.getRequiredTestClass(), EmbeddedKafka.start());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    EmbeddedKafka kafka = store(context).remove(context.getRequiredTestClass(), EmbeddedKafka.class);
    if (kafka != null) {
      kafka.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return store(context).get(context.getRequiredTestClass(), EmbeddedKafka.class);
  }

  private static ExtensionContext.Store store(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE);
  }
}
