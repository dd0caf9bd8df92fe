@echo off
rem Launches the tick engine on Windows: bin\tick-engine.cmd run [options]
rem Build first: mvn -B -ntp -q package -DskipTests
setlocal
set "JAR=%TICK_ENGINE_JAR%"
if "%JAR%"=="" set "JAR=%~dp0..\engine-http\target\tick-engine.jar"
if not exist "%JAR%" (
  echo tick-engine: %JAR% not found; build it with: mvn -B -ntp -q package -DskipTests 1>&2
  exit /b 1
)
rem Java 23+ warns once that Chronicle's libraries use sun.misc.Unsafe's memory access (removed in a later release);
rem allowed explicitly where the JVM knows the flag, which Java 17 and 21 refuse.
set "UNSAFE="
java --sun-misc-unsafe-memory-access=allow -version >nul 2>&1 && set "UNSAFE=--sun-misc-unsafe-memory-access=allow"
java %JAVA_OPTS% %UNSAFE% ^
  --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED ^
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED ^
  --add-exports=java.base/sun.nio.ch=ALL-UNNAMED ^
  --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED ^
  --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED ^
  --add-opens=java.base/java.lang=ALL-UNNAMED ^
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED ^
  --add-opens=java.base/java.io=ALL-UNNAMED ^
  --add-opens=java.base/java.util=ALL-UNNAMED ^
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED ^
  --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED ^
  -Dchronicle.analytics.disable=true ^
  -jar "%JAR%" %*
exit /b %ERRORLEVEL%
